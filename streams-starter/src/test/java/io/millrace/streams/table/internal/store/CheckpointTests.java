package io.millrace.streams.table.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Checkpoint}: the documented file format, and every way a file can fail to be trusted.
 */
class CheckpointTests {

    @TempDir
    Path dir;

    @Test
    void aMissingCheckpointIsEmpty() {
        assertThat(Checkpoint.read(this.dir)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 1, 42, Long.MAX_VALUE })
    void aWrittenOffsetIsReadBack(long offset) {
        Checkpoint.write(this.dir, offset);
        assertThat(Checkpoint.read(this.dir)).hasValue(offset);
    }

    @Test
    void theFileIsTwoLinesWithTheCrcOfTheFirst() throws IOException {
        Checkpoint.write(this.dir, 42);
        assertThat(Files.readString(this.dir.resolve("checkpoint")))
            .isEqualTo("millrace-checkpoint v1 42\ncrc32 " + crc("millrace-checkpoint v1 42") + "\n");
    }

    @Test
    void aNewCheckpointReplacesTheOldAndLeavesNoTemporaryFile() throws IOException {
        Checkpoint.write(this.dir, 10);
        Checkpoint.write(this.dir, 20);
        assertThat(Checkpoint.read(this.dir)).hasValue(20);
        try (var files = Files.list(this.dir)) {
            assertThat(files).containsExactly(this.dir.resolve("checkpoint"));
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredThenReplaced() throws IOException {
        Checkpoint.write(this.dir, 10);
        Files.writeString(this.dir.resolve("checkpoint.tmp"), "millrace-checkpoint v1 9");
        assertThat(Checkpoint.read(this.dir)).hasValue(10);
        Checkpoint.write(this.dir, 11);
        assertThat(Checkpoint.read(this.dir)).hasValue(11);
        assertThat(this.dir.resolve("checkpoint.tmp")).doesNotExist();
    }

    @Test
    void aTamperedOffsetFailsTheChecksum() throws IOException {
        Checkpoint.write(this.dir, 42);
        Path file = this.dir.resolve("checkpoint");
        Files.writeString(file, Files.readString(file).replace(" 42\n", " 43\n"));
        assertThatExceptionOfType(CorruptCheckpointException.class).isThrownBy(() -> Checkpoint.read(this.dir))
            .withMessageContaining("checksum")
            .withMessageContaining(file.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "garbage", "millrace-checkpoint v1 42\n", "millrace-checkpoint v1 42",
            "millrace-checkpoint v1 -1\ncrc32 {crc}\n", "millrace-checkpoint v1 +1\ncrc32 {crc}\n",
            "millrace-checkpoint v1 007\ncrc32 {crc}\n", "millrace-checkpoint v2 42\ncrc32 {crc}\n",
            "millrace-checkpoint v1 42\ncrc32 {crc}", "millrace-checkpoint v1 42\ncrc32 {crc}\n\n",
            "millrace-checkpoint v1 42\ncrc32 {CRC}\n", "millrace-checkpoint v1 42\r\ncrc32 {crc}\r\n",
            "millrace-checkpoint v1 42\ncrc32 {crc}\nextra\n",
            "millrace-checkpoint v1 99999999999999999999\ncrc32 {crc}\n" })
    void malformedContentIsCorrupt(String template) throws IOException {
        String first = template.lines().findFirst().orElse("").strip();
        String content = template.replace("{crc}", crc(first)).replace("{CRC}", crc(first).toUpperCase());
        Files.writeString(this.dir.resolve("checkpoint"), content);
        assertThatExceptionOfType(CorruptCheckpointException.class).isThrownBy(() -> Checkpoint.read(this.dir));
    }

    @Test
    void contentThatIsNotUtf8IsCorrupt() throws IOException {
        Files.write(this.dir.resolve("checkpoint"), new byte[] { (byte) 0xff, (byte) 0xfe, 0, 1 });
        assertThatExceptionOfType(CorruptCheckpointException.class).isThrownBy(() -> Checkpoint.read(this.dir))
            .withMessageContaining("UTF-8");
    }

    @Test
    void anUnreadableCheckpointIsCorrupt() throws IOException {
        Files.createDirectory(this.dir.resolve("checkpoint"));
        assertThatExceptionOfType(CorruptCheckpointException.class).isThrownBy(() -> Checkpoint.read(this.dir))
            .withMessageContaining("cannot be read");
    }

    @Test
    void aNegativeOffsetCannotBeWritten() {
        assertThatIllegalArgumentException().isThrownBy(() -> Checkpoint.write(this.dir, -1));
        assertThat(Checkpoint.read(this.dir)).isEmpty();
    }

    @Test
    void deleteRemovesTheCheckpointAndDoesNothingWithoutOne() {
        Checkpoint.write(this.dir, 5);
        Checkpoint.delete(this.dir);
        assertThat(Checkpoint.read(this.dir)).isEmpty();
        Checkpoint.delete(this.dir);
    }

    private static String crc(String line) {
        CRC32 crc = new CRC32();
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
