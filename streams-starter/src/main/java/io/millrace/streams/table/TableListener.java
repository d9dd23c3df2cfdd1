package io.millrace.streams.table;

import java.util.Set;

/**
 * Hears how the partitions of a stream with tables move, like Faust's table callbacks. Declare beans of this type;
 * every one is called for every stream with tables, on the stream's own threads: return quickly.
 */
public interface TableListener {

    /**
     * The stream's partitions in this instance changed.
     * @param stream the stream
     * @param assigned the input partitions this instance now owns
     * @param revoked the partitions it gave up
     * @param newlyAssigned the partitions it did not own before (their tables restore next)
     */
    default void onRebalance(String stream, Set<Integer> assigned, Set<Integer> revoked, Set<Integer> newlyAssigned) {
    }

    /**
     * The tables of newly assigned partitions are restored: their records are processed from now on.
     * @param stream the stream
     * @param partitions the partitions now ready
     */
    default void onActivesReady(String stream, Set<Integer> partitions) {
    }

    /**
     * Standby copies caught up with their changelogs for the first time.
     * @param stream the stream
     * @param partitions the standby partitions now warm
     */
    default void onStandbysReady(String stream, Set<Integer> partitions) {
    }
}
