package dev.paddock.backup;

/**
 * What a prune did: the points and running writers whose chunks it kept, the chunks it found unreferenced and set
 * aside, those it deleted and the bytes that freed, those it put back because a writer took them meanwhile, and the
 * chunks a prune cut short had left in the trash that it put back first.
 */
public record PruneReport(int points, int writers, int candidates, int deleted, long bytesFreed, int putBack,
                          int recovered) {}
