package dev.costlake.enrich;

import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * How tag keys (and dimension names) are compared: ignoring case and every character but letters
 * and digits, so {@code Team}, {@code team}, {@code owner-team} and {@code Owner_Team} compare as
 * {@code team}, {@code team}, {@code ownerteam} and {@code ownerteam}.
 */
public final class TagKeys {
  private TagKeys() {}

  public static String normalize(String key) {
    return key == null ? null : key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  public static Column normalize(Column key) {
    return regexp_replace(lower(key), "[^a-z0-9]", "");
  }
}
