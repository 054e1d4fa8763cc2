package dev.loci.spring.boot;

/**
 * A {@code loci.*} property is missing, contradicts another or has a value Loci refuses. Spring Boot
 * reports it at startup as the property to fix and why ({@link LociConfigurationFailureAnalyzer}).
 */
public class LociConfigurationException extends RuntimeException {
    private final String property;
    private final String problem;

    public LociConfigurationException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
        this.problem = problem;
    }

    public LociConfigurationException(String property, String problem, Throwable cause) {
        super(property + ": " + problem, cause);
        this.property = property;
        this.problem = problem;
    }

    /** The property to fix, e.g. {@code loci.url}. */
    public String property() {
        return property;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }
}
