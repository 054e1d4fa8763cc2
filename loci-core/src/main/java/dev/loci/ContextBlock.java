package dev.loci;

import java.util.List;

/**
 * A prompt-ready block of memories that fits a token budget.
 *
 * @param text      the block, ready to put in a prompt; empty when nothing fits or nothing matched
 * @param tokens    tokens in {@code text}, counted by {@link #counter}
 * @param budget    the budget asked for; {@code tokens <= budget} always
 * @param counter   name of the tokenizer that counted
 * @param items     what the block holds, in the order it shows them
 */
public record ContextBlock(String text, int tokens, int budget, String counter, List<Item> items) {
    public ContextBlock {
        items = List.copyOf(items);
    }

    /** How much of a memory made it into the block. */
    public enum Fidelity {
        /** Its full text. */
        FULL,
        /** The summary of the episode it belongs to (shared by the episode's turns). */
        SUMMARY,
        /** One line: its date, speaker and first words. */
        PLACEHOLDER
    }

    /**
     * One memory in the block.
     *
     * @param id        the memory shown (for SUMMARY: the episode's id)
     * @param covers    ids of the recalled memories this line stands for
     * @param fidelity  how it is shown
     * @param relevance the recall score of the best memory it stands for
     */
    public record Item(String id, List<String> covers, Fidelity fidelity, double relevance) {
        public Item {
            covers = List.copyOf(covers);
        }
    }
}
