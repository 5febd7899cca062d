package org.postline.api.directory;

import java.util.List;

/**
 * The rewrite rules (aliases, forwards, domain aliases, catch-alls). Applying them (recursion, loop detection)
 * is the business of the RecipientRewriteTable mailet; this is only the table.
 */
public interface RecipientRewrites {

    /** @throws DirectoryException if the same rule exists or a source is malformed */
    void add(Rewrite rewrite);

    /** @return false if there was no such rule */
    boolean remove(Rewrite rewrite);

    /** Every rule, sorted by kind, source, target. */
    List<Rewrite> list();

    /** The rules whose source is exactly this address or domain (lower-cased). */
    List<Rewrite> forSource(String source);

    /** The ADDRESS rules whose target is this address: the aliases a user may also send as. */
    List<Rewrite> targeting(String address);
}
