package dev.keel.io.models;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON parser every model format uses: nesting depth, string and number lengths bounded (hostile files). */
final class ModelJson {
    static final int MAX_DEPTH = 64;
    /** The largest model JSON (model.json, config.json) read. */
    static final long MAX_BYTES = 64L << 20;

    private ModelJson() {}

    /** A mapper that refuses JSON deeper than {@value #MAX_DEPTH} levels or with strings longer than {@code maxString}. */
    static ObjectMapper bounded(int maxString) {
        ObjectMapper m = new ObjectMapper();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).maxStringLength(maxString).maxNumberLength(64).build());
        return m;
    }
}
