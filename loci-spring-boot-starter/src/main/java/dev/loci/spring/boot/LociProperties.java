package dev.loci.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code loci.*} settings. Set {@code loci.data-dir} for an embedded engine in this process, or
 * {@code loci.url} for a Loci server (one of the two, not both).
 */
@ConfigurationProperties(prefix = "loci")
public class LociProperties {
    /** Directory of an embedded engine's memory (created if missing). Set this or url. */
    private Path dataDir;
    /** Local embedding model of an embedded engine: bge-small-en-v1.5-q (default) or all-minilm-l6-v2-q. */
    private String model = "bge-small-en-v1.5-q";
    /** Tokenizer that context budgets are counted in, for an embedded engine: cl100k (default) or o200k. */
    private String tokens = "cl100k";
    /** Most turns kept per user by an embedded engine; the least retained are forgotten beyond it. 0: no limit. */
    private int maxMemoriesPerUser;
    /** How long a remembered message stays, for an embedded engine; unset: until forgotten. */
    private Duration timeToLive;
    /** A Loci server, e.g. http://127.0.0.1:8080 (no path). Set this or data-dir. */
    private String url;
    /** The API key for the server (loci_...), sent as a bearer token. */
    private String apiKey;
    /** The tenant memories belong to; with a server, the tenant of the API key. */
    private String tenant = "default";
    /** Longest wait for one answer of the server. */
    private Duration requestTimeout = Duration.ofSeconds(60);
    /** Retries of a server call that is safe to repeat, 0..10. */
    private int maxRetries = 3;
    /** The Spring AI beans (made when Spring AI is on the class path). */
    private final SpringAi springAi = new SpringAi();

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getTokens() {
        return tokens;
    }

    public void setTokens(String tokens) {
        this.tokens = tokens;
    }

    public int getMaxMemoriesPerUser() {
        return maxMemoriesPerUser;
    }

    public void setMaxMemoriesPerUser(int maxMemoriesPerUser) {
        this.maxMemoriesPerUser = maxMemoriesPerUser;
    }

    public Duration getTimeToLive() {
        return timeToLive;
    }

    public void setTimeToLive(Duration timeToLive) {
        this.timeToLive = timeToLive;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public String getTenant() {
        return tenant;
    }

    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public SpringAi getSpringAi() {
        return springAi;
    }

    /** {@code loci.spring-ai.*}: the advisor, chat memory repository, retriever and tools. */
    public static class SpringAi {
        /** Whether to make the Spring AI beans at all. */
        private boolean enabled = true;
        /** The user of calls that name none with the advisor param loci_user_id; unset: every call must name one. */
        private String userId;
        /** The agent whose memory this is; unset: the user's memory is shared by all agents. */
        private String agentId;
        /** Most tokens the advisor's context block takes in the system prompt, 16..100000. */
        private int contextTokens = 1000;
        /** Whether the advisor remembers each exchange; turn off when the chat memory repository writes the conversation. */
        private boolean rememberExchanges = true;
        /** The advisor's place in the advisor chain; unset: Spring AI's chat memory order. */
        private Integer advisorOrder;
        /** Whether to make a ChatMemoryRepository in Loci (for MessageWindowChatMemory). */
        private boolean chatMemoryRepository;
        /** How many of a conversation's newest messages the repository returns, 1..100. */
        private int window = 20;
        /** Documents the retriever returns per query, 1..1000. */
        private int topK = 5;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getUserId() {
            return userId;
        }

        public void setUserId(String userId) {
            this.userId = userId;
        }

        public String getAgentId() {
            return agentId;
        }

        public void setAgentId(String agentId) {
            this.agentId = agentId;
        }

        public int getContextTokens() {
            return contextTokens;
        }

        public void setContextTokens(int contextTokens) {
            this.contextTokens = contextTokens;
        }

        public boolean isRememberExchanges() {
            return rememberExchanges;
        }

        public void setRememberExchanges(boolean rememberExchanges) {
            this.rememberExchanges = rememberExchanges;
        }

        public Integer getAdvisorOrder() {
            return advisorOrder;
        }

        public void setAdvisorOrder(Integer advisorOrder) {
            this.advisorOrder = advisorOrder;
        }

        public boolean isChatMemoryRepository() {
            return chatMemoryRepository;
        }

        public void setChatMemoryRepository(boolean chatMemoryRepository) {
            this.chatMemoryRepository = chatMemoryRepository;
        }

        public int getWindow() {
            return window;
        }

        public void setWindow(int window) {
            this.window = window;
        }

        public int getTopK() {
            return topK;
        }

        public void setTopK(int topK) {
            this.topK = topK;
        }
    }
}
