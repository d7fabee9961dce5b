package dev.costlake.incremental;

import java.util.Set;

/** What the ingestion log last recorded of a landing file: its identity and the units it held. */
public record FileState(String path, long size, long modificationTime, Set<String> unitKeys) {}
