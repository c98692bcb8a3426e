package dev.openenv.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A picture of an environment's state (Gymnasium's {@code render()}): plain text without ANSI codes, an
 * SVG document, or PNG bytes. A client asks for it with the reset option {@code "render"} (a format name,
 * or {@code true} for the environment's first); the server then puts it in the metadata of every
 * observation of the episode as {@code "render": {"format", "media_type", "content"}} (PNG content in
 * base64).
 *
 * @param format  what {@code content} is
 * @param content the text, the SVG document, or the PNG bytes in base64
 */
public record Rendering(Format format, String content) {
    /** The formats an environment may render in. */
    public enum Format {
        TEXT("text/plain"), SVG("image/svg+xml"), PNG("image/png");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The format called {@code name} ({@code text}, {@code svg}, {@code png}), or null. */
        public static Format named(String name) {
            for (Format f : values()) {
                if (f.wire().equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    public Rendering {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(content, "content");
    }

    public static Rendering text(String text) {
        return new Rendering(Format.TEXT, text);
    }

    public static Rendering svg(String document) {
        return new Rendering(Format.SVG, document);
    }

    public static Rendering png(byte[] bytes) {
        return new Rendering(Format.PNG, Base64.getEncoder().encodeToString(bytes));
    }

    /** As it travels in an observation's metadata. */
    public Map<String, Object> toWire() {
        return Map.of("format", format.wire(), "media_type", format.mediaType(), "content", content);
    }
}
