package dev.loci.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link LociConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
class LociConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<LociConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable root, LociConfigurationException cause) {
        return new FailureAnalysis("Loci is not configured correctly: " + cause.getMessage(),
                "Fix the property '" + cause.property() + "' in application.yml (or the environment). "
                        + "An embedded engine needs loci.data-dir; a Loci server needs loci.url (and loci.api-key "
                        + "if it asks for one).", cause);
    }
}
