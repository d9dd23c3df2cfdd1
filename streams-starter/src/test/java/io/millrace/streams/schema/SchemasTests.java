package io.millrace.streams.schema;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Schemas}.
 */
class SchemasTests {

    @Test
    void bytesPassesAValueThroughUnchanged() {
        byte[] data = { 0, (byte) 0xFF, 42 };
        assertThat(Schemas.bytes().decode(data)).isSameAs(data);
        assertThat(Schemas.bytes().encode(data)).isSameAs(data);
    }

    @Test
    void bytesAcceptsAnEmptyValue() {
        assertThat(Schemas.bytes().decode(new byte[0])).isEmpty();
    }

    @Test
    void bytesRejectsANullValueAsATombstone() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.bytes().decode(null))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("value is null (a tombstone)"));
    }

    @Test
    void bytesEncodeRejectsNull() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.bytes().encode(null));
    }

    @Test
    void bytesTypeIsByteArray() {
        assertThat(Schemas.bytes().type()).isEqualTo(byte[].class);
    }

    @Test
    void stringDecodesAndEncodesUtf8() {
        String text = "Grüße, 世界 \uD83D\uDE00";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Schemas.string().decode(utf8)).isEqualTo(text);
        assertThat(Schemas.string().encode(text)).isEqualTo(utf8);
    }

    @Test
    void stringAcceptsAnEmptyValue() {
        assertThat(Schemas.string().decode(new byte[0])).isEmpty();
    }

    @Test
    void stringRejectsANullValueAsATombstone() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(null))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("value is null (a tombstone)"));
    }

    @Test
    void stringRejectsMalformedUtf8() {
        // An invalid continuation byte, a byte that never occurs in UTF-8, and an overlong encoding of '/'.
        for (byte[] malformed : new byte[][] { { 'a', (byte) 0xC3, 0x28 }, { (byte) 0xFF }, { (byte) 0xC0, (byte) 0xAF } }) {
            assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(malformed))
                .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                    .asString()
                    .startsWith("value is not valid UTF-8"));
        }
    }

    @Test
    void stringRejectsATruncatedMultiByteCharacter() {
        byte[] truncated = { 'a', (byte) 0xE4, (byte) 0xB8 };
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().decode(truncated));
    }

    @Test
    void stringEncodeRejectsALoneSurrogateInsteadOfWritingAQuestionMark() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().encode("a\uD800b"))
            .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                .asString()
                .startsWith("value is not valid Unicode"));
    }

    @Test
    void stringEncodeRejectsNull() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> Schemas.string().encode(null));
    }

    @Test
    void stringTypeIsString() {
        assertThat(Schemas.string().type()).isEqualTo(String.class);
    }
}
