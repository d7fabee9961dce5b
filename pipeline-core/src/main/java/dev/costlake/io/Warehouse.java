package dev.costlake.io;

import dev.costlake.config.PipelineConfig;
import dev.costlake.errors.Errors;
import dev.costlake.model.Tables;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The only place that writes tables. Every table is a Delta table in a folder of the warehouse
 * (local or s3a). Writes replace a slice atomically ({@code replaceWhere}) or append.
 */
public final class Warehouse {
  private final SparkSession spark;
  private final PipelineConfig config;

  public Warehouse(SparkSession spark, PipelineConfig config) {
    this.spark = spark;
    this.config = config;
  }

  public String path(String table) {
    return config.tablePath(table);
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * Atomically replaces the rows matching {@code condition} with {@code rows} (one Delta commit;
   * readers see the old slice or the new one, never half). Creates the table when absent.
   */
  public void replace(
      Dataset<Row> rows, String table, String condition, List<String> partitionBy, boolean evolve) {
    var writer = rows.write().format("delta").mode(SaveMode.Overwrite);
    if (evolve) {
      writer = writer.option("mergeSchema", "true");
    }
    if (exists(table)) {
      writer = writer.option("replaceWhere", condition);
    } else {
      writer = writer.options(Tables.creationProperties(table)); // Delta keeps delta.* options as table properties
      if (!partitionBy.isEmpty()) {
        writer = writer.partitionBy(partitionBy.toArray(new String[0]));
      }
    }
    writer.save(path(table));
  }

  public void append(Dataset<Row> rows, String table, boolean evolve) {
    var writer = rows.write().format("delta").mode(SaveMode.Append);
    if (evolve) {
      writer = writer.option("mergeSchema", "true");
    }
    writer.save(path(table));
  }

  /** Tables present in the warehouse, by folder name. */
  public List<String> tables() {
    List<String> out = new ArrayList<>();
    try {
      Path root = new Path(config.warehouse());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus st : fs.listStatus(root)) {
        if (st.isDirectory() && fs.exists(new Path(st.getPath(), "_delta_log"))) {
          out.add(st.getPath().getName());
        }
      }
    } catch (IOException e) {
      throw Errors.unreadableFile(config.warehouse(), "cannot list the warehouse", e);
    }
    out.sort(String::compareTo);
    return out;
  }

  /** Latest Delta version of a table. */
  public long version(String table) {
    return DeltaTable.forPath(spark, path(table)).history(1).select(functions.col("version")).first().getLong(0);
  }

  /** Row count and latest Delta version of a table. */
  public long[] countAndVersion(String table) {
    long count = read(table).count();
    Row last =
        DeltaTable.forPath(spark, path(table))
            .history(1)
            .select(functions.col("version"))
            .first();
    return new long[] {count, last.getLong(0)};
  }

  /** Registers every warehouse table as a temporary view of the same name, for SQL. */
  public List<String> registerViews() {
    List<String> names = tables();
    for (String t : names) {
      read(t).createOrReplaceTempView(t);
    }
    return names;
  }
}
