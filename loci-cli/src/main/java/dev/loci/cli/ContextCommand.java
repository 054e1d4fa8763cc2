package dev.loci.cli;

import dev.loci.ContextBlock;
import dev.loci.Loci;
import dev.loci.embedded.EmbeddedOptions;
import dev.loci.json.LociJson;
import java.util.Locale;
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
        EmbeddedOptions options = DataDirOption.reading(EmbeddedOptions.defaults().withTokens(encoding).withPreloadModel(true));
        try (Loci loci = store.open(options)) {
            ContextBlock block = loci.context(store.scope(), query, budget);
            String counted = block.counter().toLowerCase(Locale.ROOT).replace("_base", "");
            if (DataDirOption.throughServer(loci) && !counted.equals(encoding.toLowerCase(Locale.ROOT).replace("_base", ""))) {
                throw new dev.loci.InvalidInputException("encoding", "the running server counts tokens in "
                        + counted + ", not " + encoding + "; use --encoding " + counted + " or stop the server first");
            }
            if (json) {
                Output.print(System.out, LociJson.context(block));
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
}
