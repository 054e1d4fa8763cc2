package dev.loci.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loci.ContextBlock;
import dev.loci.Loci;
import dev.loci.embedded.EmbeddedOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loci context}: a prompt-ready block of memories within a token budget. */
@Command(name = "context", mixinStandardHelpOptions = true,
        description = "Print a prompt-ready block of the memories most useful for a query, within a token budget.")
final class ContextCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--budget", required = true, paramLabel = "N", description = "Most tokens the block may take.")
    int budget;

    @Option(names = "--encoding", defaultValue = "cl100k", paramLabel = "E",
            description = "Tokenizer the budget is counted in: cl100k (default) or o200k.")
    String encoding;

    @Option(names = "--json", description = "Print JSON (text, tokens, budget, and what each line shows) instead.")
    boolean json;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What the block is for.")
    String query;

    @Override
    public Integer call() {
        EmbeddedOptions options = EmbeddedOptions.defaults().withTokens(encoding);
        try (Loci loci = store.open(options)) {
            ContextBlock block = loci.context(store.scope(), query, budget);
            if (json) {
                System.out.println(toJson(block));
            } else {
                if (!block.text().isEmpty()) {
                    System.out.println(block.text());
                    System.out.println();
                }
                System.out.printf("(%d of %d %s tokens, %d lines)%n", block.tokens(), block.budget(), block.counter(),
                        block.items().size());
            }
        }
        return 0;
    }

    private static String toJson(ContextBlock block) {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("text", block.text());
        root.put("tokens", block.tokens());
        root.put("budget", block.budget());
        root.put("encoding", block.counter());
        ArrayNode items = root.putArray("items");
        for (ContextBlock.Item item : block.items()) {
            ObjectNode n = items.addObject();
            n.put("id", item.id());
            n.put("fidelity", item.fidelity().name());
            n.put("relevance", item.relevance());
            item.covers().forEach(n.putArray("covers")::add);
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
