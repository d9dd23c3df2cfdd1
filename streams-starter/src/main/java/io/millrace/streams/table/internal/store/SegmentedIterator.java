package io.millrace.streams.table.internal.store;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.millrace.streams.table.KeyValue;

/**
 * The entries of a {@link SegmentedStore} in key order: its metadata merged with its segments read one after the
 * other, in time order (time-major keys make that key order). A segment's iterator is opened only when the previous
 * one ends, so that one native iterator at a time is held. A segment dropped while read ends early: its windows
 * expired.
 */
final class SegmentedIterator implements KeyValueIterator {

    private final KeyValueIterator meta;

    private final Iterator<KeyValueStore> segments;

    private final Function<KeyValueStore, KeyValueIterator> opener;

    private final BooleanSupplier storeClosed;

    /** The iterator of the segment being read, {@code null} between segments. */
    private KeyValueIterator current;

    private KeyValue nextMeta;

    private KeyValue nextWindow;

    private boolean closed;

    /**
     * Creates the iterator.
     * @param meta the metadata's entries, owned from now on
     * @param segments the segments to read, in time order
     * @param opener opens a segment's iterator over the wanted keys
     * @param storeClosed whether the whole store closed, rather than one segment being dropped
     */
    SegmentedIterator(KeyValueIterator meta, Iterator<KeyValueStore> segments,
            Function<KeyValueStore, KeyValueIterator> opener, BooleanSupplier storeClosed) {
        this.meta = meta;
        this.segments = segments;
        this.opener = opener;
        this.storeClosed = storeClosed;
    }

    @Override
    public boolean hasNext() {
        if (this.closed) {
            throw new IllegalStateException("Iterator is closed");
        }
        if (this.nextMeta == null && this.meta.hasNext()) {
            this.nextMeta = this.meta.next();
        }
        while (this.nextWindow == null && (this.current != null || this.segments.hasNext())) {
            if (this.current == null) {
                this.current = open(this.segments.next());
            }
            else if (!advance()) {
                this.current.close();
                this.current = null;
            }
        }
        return this.nextMeta != null || this.nextWindow != null;
    }

    private KeyValueIterator open(KeyValueStore segment) {
        try {
            return this.opener.apply(segment);
        }
        catch (IllegalStateException ex) {
            return dropped(ex);
        }
    }

    /** Reads the current segment's next entry, if any. */
    private boolean advance() {
        try {
            if (this.current.hasNext()) {
                this.nextWindow = this.current.next();
                return true;
            }
            return false;
        }
        catch (IllegalStateException ex) {
            return dropped(ex) != null;
        }
    }

    /** A segment failed as closed: dropped, unless the whole store closed. */
    private KeyValueIterator dropped(IllegalStateException ex) {
        if (this.storeClosed.getAsBoolean()) {
            throw ex;
        }
        return null;
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue next;
        if (this.nextWindow == null
                || (this.nextMeta != null && Arrays.compareUnsigned(this.nextMeta.key(), this.nextWindow.key()) < 0)) {
            next = this.nextMeta;
            this.nextMeta = null;
        }
        else {
            next = this.nextWindow;
            this.nextWindow = null;
        }
        return next;
    }

    @Override
    public void close() {
        if (this.closed) {
            return;
        }
        this.closed = true;
        this.meta.close();
        if (this.current != null) {
            this.current.close();
            this.current = null;
        }
    }
}
