package dev.costlake.quality;

import dev.costlake.errors.Errors;
import dev.costlake.model.Focus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Invoice totals a finance team keys in from the providers' invoices: a CSV with the header
 * {@code billing_account_id,billing_period,currency,amount} (period {@code yyyy-MM}, ISO 4217
 * currency, decimal amount), one line per account, period and currency. The file is small (a
 * few lines per month), so it is read on the driver and validated line by line: a malformed
 * line, an unknown column set or a duplicated key stops the run naming the file and line.
 */
public final class InvoiceTotals {
  private InvoiceTotals() {}

  public static final String AMOUNT = "invoice_amount";
  public static final List<String> HEADER = List.of("billing_account_id", "billing_period", "currency", "amount");

  public static final StructType SCHEMA =
      new StructType()
          .add(Focus.BillingAccountId, DataTypes.StringType, false)
          .add(Focus.X_BILLING_PERIOD, DataTypes.StringType, false)
          .add(Focus.BillingCurrency, DataTypes.StringType, false)
          .add(AMOUNT, Focus.DECIMAL, false);

  private static final Pattern PERIOD = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  public static Dataset<Row> read(SparkSession spark, String file) {
    List<Row> rows = new ArrayList<>();
    Path path = new Path(file);
    try (FileSystem fs = FileSystem.newInstance(path.toUri(), spark.sparkContext().hadoopConfiguration());
        BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
      String header = r.readLine();
      if (header == null) {
        throw bad(file, 1, "is empty; expected the header " + String.join(",", HEADER));
      }
      List<String> cols = new ArrayList<>();
      for (String c : header.replace("\uFEFF", "").split(",", -1)) {
        cols.add(c.trim().toLowerCase(Locale.ROOT));
      }
      if (!cols.equals(HEADER)) {
        throw bad(file, 1, "has the header '" + header + "'; expected " + String.join(",", HEADER));
      }
      Map<String, Integer> seen = new HashMap<>();
      String line;
      int n = 1;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != HEADER.size()) {
          throw bad(file, n, "has " + f.length + " fields; expected " + HEADER.size());
        }
        String account = f[0].trim();
        String period = f[1].trim();
        String currency = f[2].trim();
        if (account.isEmpty()) {
          throw bad(file, n, "has an empty billing_account_id");
        }
        if (!PERIOD.matcher(period).matches()) {
          throw bad(file, n, "has billing_period '" + period + "'; expected yyyy-MM");
        }
        if (!CURRENCY.matcher(currency).matches()) {
          throw bad(file, n, "has currency '" + currency + "'; expected an ISO 4217 code such as USD");
        }
        BigDecimal amount;
        try {
          amount = new BigDecimal(f[3].trim());
        } catch (NumberFormatException e) {
          throw bad(file, n, "has amount '" + f[3].trim() + "', which is not a decimal number");
        }
        Integer first = seen.putIfAbsent(account + "\u0000" + period + "\u0000" + currency, n);
        if (first != null) {
          throw bad(file, n, "repeats account " + account + ", period " + period + ", currency " + currency + " (first on line " + first + ")");
        }
        rows.add(RowFactory.create(account, period, currency, amount.setScale(Focus.DECIMAL.scale())));
      }
    } catch (IOException e) {
      throw Errors.unreadableFile(file, "the invoice totals file cannot be read (" + e.getMessage() + ")", e);
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static RuntimeException bad(String file, int line, String problem) {
    return Errors.usage("Invoice totals " + file + " line " + line + " " + problem + ". Fix the file (reconciliation.invoice-totals) and run again.");
  }
}
