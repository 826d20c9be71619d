package dev.paddock.placement;

/** What one filter says of one host for one VM. */
public sealed interface Verdict permits Verdict.Fits, Reject {

    /** The host passes the filter. */
    record Fits() implements Verdict {}

    Verdict FITS = new Fits();
}
