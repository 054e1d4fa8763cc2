/**
 * Loci for Spring AI: long-term memory for a {@code ChatClient}.
 *
 * <ul>
 *   <li>{@link dev.loci.springai.LociMemoryAdvisor}: before a call, puts what Loci remembers of the user
 *       (a budgeted context block, across all their conversations) into the system prompt; after it,
 *       remembers the exchange in the conversation's session.</li>
 *   <li>{@link dev.loci.springai.LociChatMemoryRepository}: the recent window of a conversation for
 *       {@code MessageWindowChatMemory}, stored in Loci.</li>
 *   <li>{@link dev.loci.springai.LociDocumentRetriever}: Loci's recall for
 *       {@code RetrievalAugmentationAdvisor}.</li>
 *   <li>{@link dev.loci.springai.LociTools}: {@code @Tool} methods that let the model search, remember and
 *       forget on its own.</li>
 * </ul>
 *
 * Each takes a {@link dev.loci.Loci}: the embedded engine or a client of a Loci server, unchanged.
 * A conversation id ({@code ChatMemory.CONVERSATION_ID}) is a Loci session; the user is fixed in the
 * builder or given per call ({@link dev.loci.springai.LociMemoryAdvisor#USER_ID}).
 */
package dev.loci.springai;
