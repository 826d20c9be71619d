package dev.paddock.placement.roadef;

/** An instance or assignment file that does not follow the challenge's format; the message says where. */
public final class RoadefFormatException extends RuntimeException {
    public RoadefFormatException(String message) {
        super(message);
    }
}
