package dev.loci.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.InvalidInputException;
import dev.loci.Scope;
import dev.loci.eval.EvalDataException;
import dev.loci.testkit.FuzzCorpus;
import dev.loci.testkit.Mutator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the files the command line reads: conversation JSONL, conversation JSON,
 * LoCoMo, export lines and Mem0 exports, mutated byte by byte and value by value. Each mutated
 * file must be read or refused with the error the command prints as {@code file:where: problem}
 * (exit code 2), never another exception (which the command would print as an internal error).
 * Small budgets here; {@code scripts/fuzz} runs long ones. The regression corpus of each target
 * (src/test/resources/fuzz-corpus/<target>/) is replayed too.
 */
class InputFilesFuzzTest {
    private static final Scope BASE = new Scope("acme", "maya", null, null);
    private static final String JSONL = """
            {"text": "I adopted a greyhound today", "speaker": "Maya", "role": "user", "timestamp": "2024-03-02T18:10:00Z", "id": "msg-1", "session": "s1", "metadata": {"channel": "chat"}}
            {"text": "She is called Biscuit", "speaker": "Maya", "timestamp": "2024-03-02", "expires_at": "2999-01-01T00:00:00Z"}
            """;
    private static final String CONVERSATION = """
            {"sessions": [{"id": "s1", "date": "2024-03-02T18:10:00Z", "messages": [
              {"speaker": "Maya", "role": "user", "text": "I adopted a dog", "metadata": {"a": "b"}},
              {"speaker": "Assistant", "role": "assistant", "text": "What is its name?", "timestamp": "2024-03-02T18:11:00+01:00"}]}]}
            """;
    private static final String LOCOMO = """
            [{"sample_id": "conv-1", "conversation": {"speaker_a": "Ana", "speaker_b": "Ben",
              "session_1_date_time": "1:56 pm on 8 May, 2023",
              "session_1": [{"speaker": "Ana", "dia_id": "D1:1", "text": "I went hiking"},
                            {"speaker": "Ben", "dia_id": "D1:2", "text": "Where?", "img_url": ["x"], "blip_caption": "a hill"}]},
              "qa": [{"question": "Where did Ana go?", "answer": "hiking", "evidence": ["D1:1"], "category": 1}]}]
            """;
    private static final String MEM0 = """
            {"results": [{"id": "892db2ae", "memory": "Is vegetarian", "metadata": {"priority": 2},
              "categories": ["food"], "created_at": "2024-07-26T10:29:36.630547-07:00", "user_id": "alex", "run_id": "r1"}]}
            """;
    private static final String EXPORT = ExportFile.header(new ExportFile.Header("model 2", 2)) + "\n"
            + "{\"memory\":{\"id\":\"m1\",\"scope\":{\"tenant\":\"acme\",\"userId\":\"u\",\"agentId\":null,\"sessionId\":null},"
            + "\"kind\":\"TURN\",\"level\":0,\"text\":\"hi\",\"role\":null,\"speaker\":null,\"occurredAt\":\"2024-01-01T00:00:00Z\","
            + "\"recordedAt\":\"2024-01-01T00:00:00Z\",\"validFrom\":\"2024-01-01T00:00:00Z\",\"validTo\":null,"
            + "\"clientId\":null,\"version\":1,\"importance\":0.5,\"metadata\":{\"a\":\"b\"},\"childIds\":[\"x\"],"
            + "\"lifecycle\":{\"accessCount\":1,\"lastAccessedAt\":null,\"expiresAt\":null,\"pinned\":false,"
            + "\"supersedes\":null,\"supersededBy\":null}},\"vector\":\"P4AAAD+AAAA=\",\"indexText\":\"hi\"}\n"
            + ExportFile.trailer(1) + "\n";

    @TempDir
    Path dir;

    private interface Reader {
        void read(Path file);
    }

    private void fuzz(String target, String seed, String fileName, long executions, Reader reader) {
        Path file = scratch().resolve(fileName);
        reader.read(write(file, seed.getBytes(java.nio.charset.StandardCharsets.UTF_8))); // the seed itself reads
        try {
            Mutator.run(target, executions, m -> m.mutateJsonBytes(seed), (m, input) -> check(file, input, reader));
        } finally {
            if (file.getParent().equals(dir)) {
                delete(file, false);
            } else {
                delete(file, true);
            }
        }
    }

    /** The regression corpus of a target (src/test/resources/fuzz-corpus/<target>), each input as a file named {@code fileName}. */
    private static Stream<DynamicTest> corpus(String target, String fileName, Reader reader) {
        return FuzzCorpus.tests(target, input -> {
            Path file = Files.createTempDirectory("loci-corpus").resolve(fileName);
            try {
                check(file, input, reader);
            } finally {
                delete(file, true);
            }
        });
    }

    /** Reads {@code input} as the file {@code file}: read, or refused with an error the command prints with its message. */
    private static void check(Path file, byte[] input, Reader reader) {
        write(file, input);
        try {
            reader.read(file);
        } catch (InputFileException | InvalidInputException | EvalDataException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error with a message");
        }
    }

    private static void delete(Path file, boolean andItsDirectory) {
        try {
            Files.deleteIfExists(file);
            if (andItsDirectory) {
                Files.deleteIfExists(file.getParent());
            }
        } catch (IOException ignored) {
            // a scratch file left until the temporary directory is cleaned
        }
    }

    /** A directory in memory when the system has one (writing a file there is ten times faster), else the test's. */
    private Path scratch() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            try {
                Path d = Files.createTempDirectory(shm, "loci-fuzz");
                d.toFile().deleteOnExit();
                return d;
            } catch (IOException e) {
                return dir;
            }
        }
        return dir;
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ingest(IngestCommand.InputFormat format, Path file) {
        ConversationFiles.checkText(file);
        IngestCommand.InputFormat.read(format, file, BASE, true);
    }

    @Test
    void conversationJsonl() {
        fuzz("jsonl", JSONL, "chat.jsonl", 400, f -> ingest(IngestCommand.InputFormat.auto, f));
    }

    @Test
    void conversationJson() {
        fuzz("conversation-json", CONVERSATION, "chat.json", 400, f -> ingest(IngestCommand.InputFormat.auto, f));
    }

    @Test
    void locomo() {
        fuzz("locomo", LOCOMO, "locomo.json", 400, f -> ingest(IngestCommand.InputFormat.locomo, f));
    }

    @Test
    void mem0Export() {
        fuzz("mem0", MEM0, "mem0.json", 400, f -> Mem0File.read(f, "acme"));
    }

    @Test
    void exportLines() {
        fuzz("export", EXPORT, "all.jsonl", 400, InputFilesFuzzTest::readExport);
    }

    /** What import reads of an export file before it writes anything. */
    private static void readExport(Path f) {
        List<String> lines;
        try {
            lines = Files.readAllLines(f);
        } catch (IOException e) {
            throw new InputFileException(f, null, "not UTF-8"); // what import reports for it
        }
        ExportFile.Header header = null;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            var node = ExportFile.parse(f, i + 1, lines.get(i));
            if (header == null) {
                header = ExportFile.readHeader(f, node);
            } else if (ExportFile.trailerCount(node) < 0) {
                ExportFile.readMemory(f, i + 1, node, header);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> conversationJsonlCorpus() {
        return corpus("jsonl", "chat.jsonl", f -> ingest(IngestCommand.InputFormat.auto, f));
    }

    @TestFactory
    Stream<DynamicTest> conversationJsonCorpus() {
        return corpus("conversation-json", "chat.json", f -> ingest(IngestCommand.InputFormat.auto, f));
    }

    @TestFactory
    Stream<DynamicTest> locomoCorpus() {
        return corpus("locomo", "locomo.json", f -> ingest(IngestCommand.InputFormat.locomo, f));
    }

    @TestFactory
    Stream<DynamicTest> mem0ExportCorpus() {
        return corpus("mem0", "mem0.json", f -> Mem0File.read(f, "acme"));
    }

    @TestFactory
    Stream<DynamicTest> exportLinesCorpus() {
        return corpus("export", "all.jsonl", InputFilesFuzzTest::readExport);
    }
}
