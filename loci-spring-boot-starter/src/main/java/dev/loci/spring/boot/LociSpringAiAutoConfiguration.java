package dev.loci.spring.boot;

import dev.loci.InvalidInputException;
import dev.loci.Loci;
import dev.loci.springai.LociChatMemoryRepository;
import dev.loci.springai.LociDocumentRetriever;
import dev.loci.springai.LociMemoryAdvisor;
import dev.loci.springai.LociTools;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Spring AI beans over the {@link Loci} bean, when Spring AI is on the class path
 * ({@code loci.spring-ai.enabled=false} turns them off): a {@link LociMemoryAdvisor} and
 * {@link LociTools} to add to a {@code ChatClient}; a {@link LociDocumentRetriever} when
 * spring-ai-rag is there; a {@link LociChatMemoryRepository} when
 * {@code loci.spring-ai.chat-memory-repository=true}, made before Spring AI's in-memory one so that
 * its {@code ChatMemory} uses it. Each can be replaced by a bean of the application's own.
 */
@AutoConfiguration(after = LociAutoConfiguration.class,
        beforeName = "org.springframework.ai.model.chat.memory.autoconfigure.ChatMemoryAutoConfiguration")
@ConditionalOnClass({ChatClient.class, LociMemoryAdvisor.class})
@ConditionalOnBean(Loci.class)
@ConditionalOnProperty(prefix = "loci.spring-ai", name = "enabled", matchIfMissing = true)
public class LociSpringAiAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    public LociMemoryAdvisor lociMemoryAdvisor(Loci loci, LociProperties properties) {
        LociProperties.SpringAi p = properties.getSpringAi();
        var b = LociMemoryAdvisor.builder(loci);
        check("loci.tenant", () -> b.tenant(properties.getTenant()));
        check("loci.spring-ai.user-id", () -> b.userId(p.getUserId()));
        check("loci.spring-ai.agent-id", () -> b.agentId(p.getAgentId()));
        check("loci.spring-ai.context-tokens", () -> b.tokenBudget(p.getContextTokens()));
        b.rememberExchanges(p.isRememberExchanges());
        if (p.getAdvisorOrder() != null) {
            b.order(p.getAdvisorOrder());
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public LociTools lociTools(Loci loci, LociProperties properties) {
        return check("loci.spring-ai.user-id",
                () -> new LociTools(loci, properties.getTenant(), properties.getSpringAi().getUserId()));
    }

    @Bean
    @ConditionalOnMissingBean(ChatMemoryRepository.class)
    @ConditionalOnProperty(prefix = "loci.spring-ai", name = "chat-memory-repository", havingValue = "true")
    public LociChatMemoryRepository lociChatMemoryRepository(Loci loci, LociProperties properties) {
        LociProperties.SpringAi p = properties.getSpringAi();
        var b = LociChatMemoryRepository.builder(loci);
        check("loci.tenant", () -> b.tenant(properties.getTenant()));
        check("loci.spring-ai.user-id", () -> b.userId(p.getUserId()));
        check("loci.spring-ai.agent-id", () -> b.agentId(p.getAgentId()));
        check("loci.spring-ai.window", () -> b.window(p.getWindow()));
        return b.build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.ai.rag.retrieval.search.DocumentRetriever")
    static class Retrieval {
        @Bean
        @ConditionalOnMissingBean
        LociDocumentRetriever lociDocumentRetriever(Loci loci, LociProperties properties) {
            LociProperties.SpringAi p = properties.getSpringAi();
            var b = LociDocumentRetriever.builder(loci);
            check("loci.tenant", () -> b.tenant(properties.getTenant()));
            check("loci.spring-ai.user-id", () -> b.userId(p.getUserId()));
            check("loci.spring-ai.agent-id", () -> b.agentId(p.getAgentId()));
            check("loci.spring-ai.top-k", () -> b.topK(p.getTopK()));
            return b.build();
        }
    }

    private static <T> T check(String property, Supplier<T> make) {
        try {
            return make.get();
        } catch (InvalidInputException e) {
            throw new LociConfigurationException(property, LociFactory.problem(e), e);
        }
    }
}
