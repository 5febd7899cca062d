package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replacements of byte ranges of one message. Applying them copies every byte outside the ranges as it was, so
 * what a mailet does not change keeps its exact bytes. Ranges may not overlap (an insertion is an empty range).
 */
public final class MimeEdits {

    private record Edit(int from, int to, byte[] replacement) {
    }

    private final byte[] source;
    private final List<Edit> edits = new ArrayList<>();

    public MimeEdits(byte[] source) {
        this.source = source;
    }

    public void replace(int from, int to, byte[] replacement) {
        if (from < 0 || to < from || to > source.length) {
            throw new IllegalArgumentException("bad range " + from + ".." + to);
        }
        edits.add(new Edit(from, to, replacement));
    }

    public void insert(int at, byte[] bytes) {
        replace(at, at, bytes);
    }

    public void remove(HeaderField field) {
        replace(field.start(), field.end(), new byte[0]);
    }

    public boolean isEmpty() {
        return edits.isEmpty();
    }

    /** The edited message; the source itself when there is nothing to change. */
    public byte[] apply() {
        if (edits.isEmpty()) {
            return source;
        }
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::from).thenComparingInt(Edit::to));
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length + 256);
        int pos = 0;
        for (Edit edit : sorted) {
            if (edit.from() < pos) {
                throw new IllegalStateException("overlapping edits at " + edit.from());
            }
            out.write(source, pos, edit.from() - pos);
            out.writeBytes(edit.replacement());
            pos = edit.to();
        }
        out.write(source, pos, source.length - pos);
        return out.toByteArray();
    }
}
