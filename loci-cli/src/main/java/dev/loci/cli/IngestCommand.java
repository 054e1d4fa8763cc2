package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.Loci;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loci ingest}: reads conversation files and remembers every message. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Remember the messages of conversation files (JSONL, conversation JSON, or LoCoMo).",
                "All files are read and checked before anything is written; re-ingesting a file adds nothing."})
final class IngestCommand implements Callable<Integer> {
    /** Most messages handed to one remember call. */
    private static final int CHUNK = 512;

    @Mixin
    StoreOptions store;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "F",
            description = "auto (default), jsonl, conversation or locomo.")
    InputFormat format;

    @Option(names = "--no-captions", description = "LoCoMo: leave out image captions of image turns.")
    boolean noCaptions;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to ingest.")
    List<Path> files;

    @Override
    public Integer call() {
        Scope base = store.scope();
        List<ScopedBatch> batches = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new InputFileException(file, null, "no such file");
            }
            batches.addAll(InputFormat.read(format, file, base, !noCaptions));
        }
        // Every message was checked while reading (ConversationFiles.check), so nothing below
        // is refused half-way through.
        long total = 0;
        for (ScopedBatch b : batches) {
            total += b.messages().size();
        }
        long added = 0;
        long skipped = 0;
        long start = System.nanoTime();
        try (Loci loci = store.openOrCreate(); ProgressBar bar = progress(total)) {
            for (ScopedBatch b : batches) {
                List<Message> msgs = b.messages();
                for (int from = 0; from < msgs.size(); from += CHUNK) {
                    List<Message> chunk = msgs.subList(from, Math.min(msgs.size(), from + CHUNK));
                    RememberResult r = loci.remember(b.scope(), chunk);
                    added += r.added();
                    skipped += r.skipped();
                    if (bar != null) {
                        bar.stepBy(chunk.size());
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "ingested %d messages (%d new, %d already present) in %.1f s: %.0f turns/s%n",
                total, added, skipped, seconds, total / Math.max(seconds, 1e-9));
        return 0;
    }

    private ProgressBar progress(long total) {
        if (noProgress) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("ingest").setInitialMax(total).setUnit(" turns", 1)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build();
    }

    /** Messages bound for one scope. */
    record ScopedBatch(Scope scope, List<Message> messages) {
    }

    /** Input formats and their detection. */
    enum InputFormat {
        auto, jsonl, conversation, locomo;

        static List<ScopedBatch> read(InputFormat format, Path file, Scope base, boolean captions) {
            InputFormat f = format;
            JsonNode tree = null;
            if (f == auto) {
                if (file.getFileName().toString().endsWith(".jsonl")) {
                    f = jsonl;
                } else {
                    tree = ConversationFiles.readTree(file);
                    f = tree.isArray() && !tree.isEmpty() && tree.get(0).has("conversation") && tree.get(0).has("qa")
                            ? locomo : conversation;
                }
            }
            return switch (f) {
                case jsonl -> bind(ConversationFiles.readJsonl(file), base);
                case conversation -> bind(ConversationFiles.readConversation(file,
                        tree != null ? tree : ConversationFiles.readTree(file)), base);
                case locomo -> LocomoImport.read(file, base, captions);
                case auto -> throw new IllegalStateException("resolved above");
            };
        }

        private static List<ScopedBatch> bind(List<ConversationBatch> batches, Scope base) {
            return batches.stream().map(b -> new ScopedBatch(
                    b.sessionId() == null || base.sessionId() != null ? base : base.withSession(b.sessionId()),
                    b.messages())).toList();
        }
    }
}
