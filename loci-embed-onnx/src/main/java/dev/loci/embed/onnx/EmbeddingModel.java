package dev.loci.embed.onnx;

/**
 * The local models Loci ships with. Both produce 384-dimensional vectors.
 */
public enum EmbeddingModel {
    /** BAAI bge-small-en-v1.5, int8-quantized. CLS pooling; queries carry an instruction prefix. Default. */
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            Pooling.CLS, "Represent this sentence for searching relevant passages: ", 512, 384),
    /** sentence-transformers all-MiniLM-L6-v2, int8-quantized. Mean pooling; no prefix; faster, weaker. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            Pooling.MEAN, "", 256, 384);

    /** How token vectors become one text vector. */
    public enum Pooling {
        /** The first ([CLS]) token's vector. */
        CLS,
        /** The mean of all non-padding token vectors. */
        MEAN
    }

    private final String id;
    private final String modelResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final String queryPrefix;
    private final int maxTokens;
    private final int dimensions;

    EmbeddingModel(String id, String modelResource, String tokenizerResource, Pooling pooling, String queryPrefix,
                   int maxTokens, int dimensions) {
        this.id = id;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.queryPrefix = queryPrefix;
        this.maxTokens = maxTokens;
        this.dimensions = dimensions;
    }

    /** Stable id recorded with the data. */
    public String id() {
        return id;
    }

    String modelResource() {
        return modelResource;
    }

    String tokenizerResource() {
        return tokenizerResource;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Prefix put before query texts (never before documents). */
    public String queryPrefix() {
        return queryPrefix;
    }

    /** The model window in tokens, special tokens included. */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Length of the vectors the model produces, known without loading it (a data directory's
     * model check needs no ONNX session); {@link OnnxEmbedder} checks it against the loaded model.
     */
    public int dimensions() {
        return dimensions;
    }

    /** Parses a model by id or enum name, e.g. {@code bge-small-en-v1.5-q} or {@code minilm}. */
    public static EmbeddingModel parse(String name) {
        for (EmbeddingModel m : values()) {
            if (m.id.equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        if (name.equalsIgnoreCase("bge") || name.equalsIgnoreCase("bge-small")) {
            return BGE_SMALL_EN_V15_Q;
        }
        if (name.equalsIgnoreCase("minilm")) {
            return ALL_MINILM_L6_V2_Q;
        }
        throw new dev.loci.InvalidInputException("model", "'" + name + "' is not a known model; use "
                + BGE_SMALL_EN_V15_Q.id + " (bge) or " + ALL_MINILM_L6_V2_Q.id + " (minilm)");
    }
}
