/**
 * Loci for LangChain4j: long-term memory for AI services through the framework's own hooks.
 *
 * <ul>
 *   <li>{@link dev.loci.langchain4j.LociContentRetriever}: a {@code ContentRetriever} that recalls
 *       what the user said in any earlier conversation, for {@code AiServices.contentRetriever} or a
 *       {@code RetrievalAugmentor};</li>
 *   <li>{@link dev.loci.langchain4j.LociChatMemoryStore}: a {@code ChatMemoryStore} that remembers
 *       each new message of a conversation once and hands back its recent window;</li>
 *   <li>{@link dev.loci.langchain4j.LociTools}: {@code @Tool} methods with which the model searches,
 *       remembers and forgets on its own.</li>
 * </ul>
 *
 * Each works with any {@link dev.loci.Loci}: the embedded engine or a client of a Loci server.
 */
package dev.loci.langchain4j;
