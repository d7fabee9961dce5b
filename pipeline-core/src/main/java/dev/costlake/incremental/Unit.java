package dev.costlake.incremental;

/**
 * The replace unit: one billing account's billing period within one source. Providers restate
 * whole periods, so a changed unit is re-read and atomically replaced in every layer.
 */
public record Unit(String source, String account, String period) implements Comparable<Unit> {
  /** {@code account|period}, the form stored in ingestion_log. */
  public String key() {
    return account + "|" + period;
  }

  public static Unit of(String source, String key) {
    int bar = key.lastIndexOf('|');
    return new Unit(source, key.substring(0, bar), key.substring(bar + 1));
  }

  @Override
  public int compareTo(Unit o) {
    return (source + "\u0000" + period + "\u0000" + account)
        .compareTo(o.source + "\u0000" + o.period + "\u0000" + o.account);
  }
}
