package dev.loci.spi;

/**
 * Counts tokens the way a language model's tokenizer does, so a context block can be held to a
 * budget. Implementations are thread-safe.
 */
public interface TokenCounter {
    /** Tokens in {@code text}. */
    int count(String text);

    /** What is counted, e.g. "cl100k_base". */
    String name();

    /**
     * A rough stand-in for when no tokenizer is configured: one token per word or punctuation
     * mark, which over-counts English a little against cl100k. The embedded engine uses a real
     * tokenizer.
     */
    static TokenCounter words() {
        return new TokenCounter() {
            @Override
            public int count(String text) {
                int n = 0;
                boolean inWord = false;
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (Character.isLetterOrDigit(c)) {
                        if (!inWord) {
                            n++;
                        }
                        inWord = true;
                    } else {
                        inWord = false;
                        if (!Character.isWhitespace(c)) {
                            n++;
                        }
                    }
                }
                return n;
            }

            @Override
            public String name() {
                return "words";
            }
        };
    }
}
