package dev.costlake.sources.aws;

import java.util.Locale;

/**
 * Column naming of AWS cost and usage reports. Legacy CSV headers are {@code category/Column}
 * ({@code lineItem/UnblendedCost}); legacy Parquet and CUR 2.0 use snake case
 * ({@code line_item_unblended_cost}, an upper-case run such as ARN becoming {@code a_r_n}).
 * Everything downstream works on the snake-case names.
 */
public final class CurColumns {
  private CurColumns() {}

  /** Legacy CSV tag columns: {@code resourceTags/user:team}. */
  public static final String CSV_TAG_PREFIX = "resourcetags/";
  /** Legacy Parquet tag columns: {@code resource_tags_user_team}. */
  public static final String PARQUET_TAG_PREFIX = "resource_tags_";

  /** {@code lineItem/UnblendedCost} → {@code line_item_unblended_cost}; snake names unchanged. */
  public static String snake(String raw) {
    if (!raw.contains("/")) {
      return raw.toLowerCase(Locale.ROOT);
    }
    StringBuilder sb = new StringBuilder();
    for (String part : raw.split("/", 2)) {
      if (sb.length() > 0) {
        sb.append('_');
      }
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (Character.isUpperCase(c)) {
          if (i > 0) {
            sb.append('_');
          }
          sb.append(Character.toLowerCase(c));
        } else {
          sb.append(c == ':' || c == '-' || c == ' ' ? '_' : c);
        }
      }
    }
    return sb.toString();
  }

  /**
   * The user-facing tag key of a tag column, or null when the column is not a tag: {@code
   * resourceTags/user:team} → {@code team}; {@code resourceTags/aws:createdBy} → {@code
   * aws:createdBy}; {@code resource_tags_user_cost_center} → {@code cost_center}.
   */
  public static String tagKey(String raw) {
    String lower = raw.toLowerCase(Locale.ROOT);
    if (lower.startsWith(CSV_TAG_PREFIX)) {
      String key = raw.substring(CSV_TAG_PREFIX.length());
      return key.startsWith("user:") ? key.substring(5) : key;
    }
    if (lower.startsWith(PARQUET_TAG_PREFIX) && !lower.equals("resource_tags")) {
      String key = raw.substring(PARQUET_TAG_PREFIX.length());
      return key.startsWith("user_") ? key.substring(5) : key;
    }
    return null;
  }
}
