package dev.sandboxjobs.engine;

/**
 * A finished checkout.
 *
 * @param url       the repository URL as given
 * @param targetDir the absolute directory of the working tree
 * @param branch    the checked-out branch (or null on a detached head)
 * @param commit    the full hash of the checked-out commit
 */
public record GitCheckoutResult(String url, String targetDir, String branch, String commit) {}
