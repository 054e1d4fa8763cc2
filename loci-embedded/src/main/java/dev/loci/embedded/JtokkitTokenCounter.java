package dev.loci.embedded;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.loci.InvalidInputException;
import dev.loci.spi.TokenCounter;
import java.util.Locale;

/** Counts tokens with OpenAI's BPE encodings (cl100k_base, o200k_base), in-process. Thread-safe. */
public final class JtokkitTokenCounter implements TokenCounter {
    private final Encoding encoding;
    private final String name;

    private JtokkitTokenCounter(EncodingType type) {
        this.encoding = Encodings.newDefaultEncodingRegistry().getEncoding(type);
        this.name = type.getName();
    }

    /** The encoding of GPT-4 and GPT-3.5 models. */
    public static JtokkitTokenCounter cl100k() {
        return new JtokkitTokenCounter(EncodingType.CL100K_BASE);
    }

    /** The encoding of GPT-4o models. */
    public static JtokkitTokenCounter o200k() {
        return new JtokkitTokenCounter(EncodingType.O200K_BASE);
    }

    /** By name: {@code cl100k} or {@code o200k} (with or without the {@code _base} suffix). */
    public static JtokkitTokenCounter named(String encoding) {
        return new JtokkitTokenCounter(type(encoding));
    }

    /**
     * As {@link #named}, but the encoding tables (a noticeable part of a command's start-up) are
     * read on the first count; an unknown name still fails here.
     */
    static TokenCounter lazy(String encoding) {
        EncodingType type = type(encoding);
        return new LazyTokenCounter(type.getName(), () -> new JtokkitTokenCounter(type));
    }

    private static EncodingType type(String encoding) {
        String n = encoding == null ? "" : encoding.toLowerCase(Locale.ROOT).replace("_base", "");
        return switch (n) {
            case "cl100k" -> EncodingType.CL100K_BASE;
            case "o200k" -> EncodingType.O200K_BASE;
            default -> throw new InvalidInputException("encoding", "'" + encoding + "' is not known; use cl100k or o200k");
        };
    }

    @Override
    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    @Override
    public String name() {
        return name;
    }
}
