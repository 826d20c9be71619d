package dev.paddock.model;

/** Checks shared by the model records' constructors. */
final class Ids {
    private Ids() {}

    static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
