package dev.loci.embed.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.loci.InvalidInputException;
import dev.loci.spi.Embedding;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real models: agreement with a reference implementation, batching, long texts, threads. */
class OnnxEmbedderIT {
    private static final List<String> SENTENCES = List.of(
            "Anna lives in Lisbon with her two cats.",
            "The stock market fell sharply on Tuesday.",
            "I finally finished the pottery class last weekend!",
            "What time does the bakery on Rua Augusta open?",
            "My sister is getting married in September, and I'm giving a speech.",
            "Quantum computers use qubits instead of bits.");

    private static OnnxEmbedder bge;

    @BeforeAll
    static void load() {
        bge = OnnxEmbedder.create(OnnxEmbedderConfig.defaults());
    }

    @AfterAll
    static void close() {
        bge.close();
    }

    @Test
    void bgeAgreesWithReferenceImplementation() {
        try (var single = OnnxEmbedder.create(OnnxEmbedderConfig.defaults().withBatchSize(1))) {
            assertAgree(single, new BgeSmallEnV15QuantizedEmbeddingModel());
        }
    }

    @Test
    void miniLmAgreesWithReferenceImplementation() {
        try (var single = OnnxEmbedder.create(OnnxEmbedderConfig.defaults()
                .withModel(dev.loci.embed.onnx.EmbeddingModel.ALL_MINILM_L6_V2_Q).withBatchSize(1))) {
            assertEquals(384, single.dimensions());
            assertAgree(single, new AllMiniLmL6V2QuantizedEmbeddingModel());
        }
    }

    private static void assertAgree(OnnxEmbedder ours, EmbeddingModel reference) {
        List<Embedding> vectors = ours.embedDocuments(SENTENCES);
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] ref = reference.embed(SENTENCES.get(i)).content().vector();
            double cos = vectors.get(i).dot(Embedding.normalized(ref));
            assertTrue(cos >= 0.999, "cosine " + cos + " for: " + SENTENCES.get(i));
        }
    }

    @Test
    void batchedMatchesSingleClosely() {
        try (var single = OnnxEmbedder.create(OnnxEmbedderConfig.defaults().withBatchSize(1))) {
            List<Embedding> batched = bge.embedDocuments(SENTENCES);
            List<Embedding> alone = single.embedDocuments(SENTENCES);
            for (int i = 0; i < SENTENCES.size(); i++) {
                double cos = batched.get(i).dot(alone.get(i));
                assertTrue(cos >= 0.99, "batched vs single cosine " + cos);
            }
        }
    }

    @Test
    void deterministicAndInInputOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            texts.add(SENTENCES.get(i % SENTENCES.size()) + " (variant " + "x".repeat(i % 13) + ")");
        }
        List<Embedding> a = bge.embedDocuments(texts);
        List<Embedding> b = bge.embedDocuments(texts);
        assertEquals(a, b, "same input, same vectors");
        Embedding alone = bge.embedDocuments(List.of(texts.get(5))).get(0);
        assertTrue(a.get(5).dot(alone) > 0.99, "output i belongs to input i");
        assertTrue(a.get(5).dot(a.get(6)) < a.get(5).dot(alone), "neighbouring outputs are not swapped");
    }

    @Test
    void vectorsAreUnitLengthAndQueriesDifferFromDocuments() {
        Embedding doc = bge.embedDocuments(List.of("Where does Anna live?")).get(0);
        Embedding query = bge.embedQuery("Where does Anna live?");
        assertEquals(1.0, doc.dot(doc), 1e-4);
        assertEquals(1.0, query.dot(query), 1e-4);
        assertNotEquals(doc, query, "bge queries carry the instruction prefix");
    }

    @Test
    void queriesFindTheRelevantSentence() {
        Embedding q = bge.embedQuery("Where does Anna live?");
        List<Embedding> docs = bge.embedDocuments(SENTENCES);
        assertTrue(q.dot(docs.get(0)) > q.dot(docs.get(1)) + 0.1, "Lisbon sentence beats the stock market");
    }

    @Test
    void longTextIsWindowedNotCut() {
        String head = "Anna talked about her garden, the tomatoes and the roses. ".repeat(60);
        String tail = "Then the conversation moved to quantum computing, qubits and error correction. ".repeat(40);
        assertTrue(bge.countTokens(head + tail) > 1000, "text is longer than the 512-token window");
        Embedding whole = bge.embedDocuments(List.of(head + tail)).get(0);
        Embedding firstWindowOnly = bge.embedDocuments(List.of(head)).get(0);
        Embedding quantum = bge.embedQuery("quantum computing and qubits");
        assertTrue(whole.dot(quantum) > firstWindowOnly.dot(quantum) + 0.05,
                "the end of a long text still shapes its vector");
        assertEquals(1.0, whole.dot(whole), 1e-4);
    }

    @Test
    void concurrentCallersGetTheSameVectors() throws Exception {
        List<Embedding> expected = bge.embedDocuments(SENTENCES);
        var pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Embedding>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit((Callable<List<Embedding>>) () -> bge.embedDocuments(SENTENCES)));
            }
            for (var f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void blankTextIsRejectedWithItsIndex() {
        var e = assertThrows(InvalidInputException.class, () -> bge.embedDocuments(List.of("fine", " ")));
        assertEquals("texts[1]", e.field());
        assertThrows(InvalidInputException.class, () -> bge.embedQuery(""));
    }
}
