package dev.loci.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loci.Loci;
import dev.loci.engine.LociEngine;
import dev.loci.Message;
import dev.loci.RememberResult;
import dev.loci.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
    /**
     * Most messages, and most characters of text, in one call through a server: its requests are
     * limited (1 MiB by default) and a small call keeps its other clients' requests moving.
     */
    private static final int SERVER_CHUNK = 64;
    private static final int SERVER_CHUNK_CHARS = 128 * 1024;

    @Mixin
    StoreOptions store;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "F",
            description = "auto (default), jsonl, conversation or locomo.")
    InputFormat format;

    @Option(names = "--no-captions", description = "LoCoMo: leave out image captions of image turns.")
    boolean noCaptions;

    @Option(names = "--no-progress", description = "Print no progress (by default a bar on a terminal, a line every 10 s otherwise).")
    boolean noProgress;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to ingest.")
    List<Path> files;

    @Override
    public Integer call() {
        Scope base = store.scope();
        List<ScopedBatch> batches = new ArrayList<>();
        for (Path file : files) {
            if (Files.isDirectory(file)) {
                throw new InputFileException(file, null, "is a directory; give the conversation files in it");
            }
            if (!Files.isRegularFile(file)) {
                throw new InputFileException(file, null, "no such file");
            }
            ConversationFiles.checkText(file);
            List<ScopedBatch> read = InputFormat.read(format, file, base, !noCaptions);
            if (read.stream().allMatch(b -> b.messages().isEmpty())) {
                throw new InputFileException(file, null, "holds no messages to ingest");
            }
            batches.addAll(read);
        }
        // Every message was checked while reading (ConversationFiles.check), so nothing below
        // is refused half-way through.
        long total = 0;
        for (ScopedBatch b : batches) {
            total += b.messages().size();
        }
        long added = 0;
        long skipped = 0;
        long opening = System.nanoTime();
        try (Loci loci = store.openOrCreate()) {
            boolean server = DataDirOption.throughServer(loci);
            if (loci instanceof LociEngine engine) {
                // The model loads in the background from the open; wait for it here (one short embed), so
                // that the rate below counts the ingest itself and the load is reported on its own.
                engine.embedder().embedQuery("warm-up");
            }
            long start = System.nanoTime();
            try (Progress progress = Progress.start("ingest", total, "messages", !noProgress)) {
                for (ScopedBatch b : batches) {
                    List<Message> msgs = b.messages();
                    for (int from = 0, to; from < msgs.size(); from = to) {
                        to = server ? serverChunkEnd(msgs, from) : Math.min(msgs.size(), from + CHUNK);
                        List<Message> chunk = msgs.subList(from, to);
                        RememberResult r = loci.remember(b.scope(), chunk);
                        added += r.added();
                        skipped += r.skipped();
                        progress.step(chunk.size());
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double loading = (start - opening) / 1e9;
            System.out.printf(Locale.ROOT, "ingested %d messages (%d new, %d already present) in %.1f s (%s), "
                            + "after %.1f s %s %s%n", total, added, skipped, seconds, rate(total, seconds), loading,
                    server ? "reaching the server holding" : "loading the embedding model and opening",
                    store.dataDir.describe());
        }
        return 0;
    }

    /** Where the chunk starting at {@code from} ends when sent to a server: a few messages, a bounded size. */
    static int serverChunkEnd(List<Message> msgs, int from) {
        int to = from;
        long chars = 0;
        while (to < msgs.size() && to - from < SERVER_CHUNK) {
            Message m = msgs.get(to);
            chars += m.text().length() + (m.speaker() == null ? 0 : m.speaker().length()) + 200;
            if (to > from && chars > SERVER_CHUNK_CHARS) {
                break;
            }
            to++;
        }
        return to;
    }

    /** Messages per second, or "too quick to time" when the work took under a tenth of a second. */
    static String rate(long n, double seconds) {
        return seconds < 0.1 ? "too quick to time" : String.format(Locale.ROOT, "%.0f messages/s", n / seconds);
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
