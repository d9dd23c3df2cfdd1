package io.millrace.streams.table;

import java.util.Arrays;

/**
 * How a windowed table lays out its store and changelog keys: the window's start first (8 bytes, big-endian with the
 * sign bit flipped, so that unsigned byte order is time order), then the encoded key. Time-major order lets the
 * store keep one time range per segment and drop expired windows a segment at a time, and lets a partition find the
 * windows that close in one range scan.
 *
 * <p>Session windows ({@link Windows#session()}) lay out a session as its last event time first (8 bytes, the same
 * encoding), then the encoded key, then its first event time (8 bytes): the store and the changelog keep them by the
 * time they close, segments expire by it, and the sessions that close are again one range scan. Finding the sessions
 * of one key is what this order is bad at; the partition keeps a small index of the recent ones in memory for that
 * ({@link SessionIndex}).
 *
 * <p>Keys shorter than {@value #START_BYTES} bytes are the partition's own metadata (its stream time and the
 * windows it closed), never expired.
 */
public final class WindowKeys {

    /** The bytes of the window start at the head of every windowed key. */
    public static final int START_BYTES = Long.BYTES;

    /** The metadata key of a windowed table partition: its stream time and the newest closed window. */
    public static final byte[] META = { 0 };

    private WindowKeys() {
    }

    /**
     * The store key of a key in a window.
     * @param start the window's start
     * @param key the encoded key
     * @return the windowed key
     */
    public static byte[] encode(long start, byte[] key) {
        byte[] windowed = new byte[START_BYTES + key.length];
        writeStart(windowed, start);
        System.arraycopy(key, 0, windowed, START_BYTES, key.length);
        return windowed;
    }

    /**
     * The store key of a session of a key.
     * @param start the session's first event time
     * @param last the session's last event time
     * @param key the encoded key
     * @return the session key
     */
    public static byte[] encodeSession(long start, long last, byte[] key) {
        byte[] session = new byte[2 * START_BYTES + key.length];
        writeStart(session, last);
        System.arraycopy(key, 0, session, START_BYTES, key.length);
        byte[] tail = new byte[START_BYTES];
        writeStart(tail, start);
        System.arraycopy(tail, 0, session, START_BYTES + key.length, START_BYTES);
        return session;
    }

    /**
     * The first event time of a session key.
     * @param session a session key ({@link #encodeSession})
     * @return the start
     */
    public static long sessionStart(byte[] session) {
        long flipped = 0;
        for (int i = session.length - START_BYTES; i < session.length; i++) {
            flipped = (flipped << 8) | (session[i] & 0xFF);
        }
        return flipped ^ Long.MIN_VALUE;
    }

    /**
     * The encoded key of a session key.
     * @param session a session key ({@link #encodeSession})
     * @return the key
     */
    public static byte[] sessionKey(byte[] session) {
        return Arrays.copyOfRange(session, START_BYTES, session.length - START_BYTES);
    }

    /**
     * The window of a store key of a windowed table.
     * @param windows the table's windows
     * @param stored a store key that is not metadata
     * @return the window; for a session, from its first event time to one past its last
     */
    public static Window window(Windows windows, byte[] stored) {
        if (windows.session()) {
            return new Window(sessionStart(stored), start(stored) + 1);
        }
        return windows.window(start(stored));
    }

    /**
     * The encoded key of a store key of a windowed table.
     * @param windows the table's windows
     * @param stored a store key that is not metadata
     * @return the key
     */
    public static byte[] key(Windows windows, byte[] stored) {
        return windows.session() ? sessionKey(stored) : key(stored);
    }

    /**
     * The first store key of windows starting at a time: the bound of a range scan.
     * @param start the window start
     * @return the bound
     */
    public static byte[] bound(long start) {
        byte[] bound = new byte[START_BYTES];
        writeStart(bound, start);
        return bound;
    }

    private static void writeStart(byte[] target, long start) {
        long flipped = start ^ Long.MIN_VALUE;
        for (int i = START_BYTES - 1; i >= 0; i--) {
            target[i] = (byte) flipped;
            flipped >>>= 8;
        }
    }

    /**
     * The window start of a windowed key.
     * @param windowed a store key of {@link #START_BYTES} bytes or more
     * @return the start
     */
    public static long start(byte[] windowed) {
        long flipped = 0;
        for (int i = 0; i < START_BYTES; i++) {
            flipped = (flipped << 8) | (windowed[i] & 0xFF);
        }
        return flipped ^ Long.MIN_VALUE;
    }

    /**
     * The encoded key of a windowed key.
     * @param windowed a store key of {@link #START_BYTES} bytes or more
     * @return the key
     */
    public static byte[] key(byte[] windowed) {
        return Arrays.copyOfRange(windowed, START_BYTES, windowed.length);
    }

    /**
     * Whether a store key is the partition's metadata rather than a window.
     * @param key a store key
     * @return {@code true} for metadata
     */
    public static boolean isMeta(byte[] key) {
        return key.length < START_BYTES;
    }

    /**
     * Encodes a partition's metadata.
     * @param streamTime the largest event time seen
     * @param lastClosedStart the start of the newest window whose result went out
     * @return the value
     */
    public static byte[] meta(long streamTime, long lastClosedStart) {
        byte[] value = new byte[2 * Long.BYTES];
        java.nio.ByteBuffer.wrap(value).putLong(streamTime).putLong(lastClosedStart);
        return value;
    }

    /**
     * The stream time in a metadata value.
     * @param meta the value, or {@code null}
     * @return the stream time, {@link Long#MIN_VALUE} if none
     */
    public static long streamTime(byte[] meta) {
        return (meta != null) ? java.nio.ByteBuffer.wrap(meta).getLong(0) : Long.MIN_VALUE;
    }

    /**
     * The newest closed window in a metadata value.
     * @param meta the value, or {@code null}
     * @return its start, {@link Long#MIN_VALUE} if none
     */
    public static long lastClosedStart(byte[] meta) {
        return (meta != null) ? java.nio.ByteBuffer.wrap(meta).getLong(Long.BYTES) : Long.MIN_VALUE;
    }
}
