package dev.costlake.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.costlake.config.ConfigLoader;
import dev.costlake.errors.Errors;
import dev.costlake.errors.PipelineException;
import dev.costlake.model.Focus;
import dev.costlake.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad mapping input stops the run with exit code 2, naming the file and line. */
class MappingValidationTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  static final String OWNERS = "team,cost_center\nplatform,CC-1\ndata,CC-2\n";

  private Ownership load(String file, String content, String rule) throws IOException {
    Files.writeString(dir.resolve("owners.csv"), OWNERS);
    if (file != null && content != null) {
      Files.writeString(dir.resolve(file), content);
    }
    Path conf = dir.resolve("o.conf");
    Files.writeString(conf, "costlake.ownership { owners = owners.csv, rules = [ " + rule + " ] }\n");
    return MappingLoader.load(spark, OwnershipConfig.from(ConfigLoader.load(conf.toFile(), List.of())));
  }

  private void rejects(String file, String content, String rule, String where, String what) {
    PipelineException e = assertThrows(PipelineException.class, () -> load(file, content, rule));
    assertEquals(Errors.EXIT_USAGE, e.exitCode(), e.getMessage());
    String m = e.getMessage();
    assertTrue(m.contains(dir.resolve(file).toString()), "names the file: " + m);
    assertTrue(m.contains(where), "names " + where + ": " + m);
    assertTrue(m.contains(what), "says " + what + ": " + m);
  }

  private void rejectsAccounts(String content, String where, String what) {
    rejects("accounts.csv", content, "{ id = a, type = account, mapping = accounts.csv }", where, what);
  }

  static final String HEAD = "account_id,team,valid_from,valid_to\n";

  @Test
  void overlappingDateRanges() {
    rejectsAccounts(HEAD + "111,data,2026-01-01,2026-07-01\n111,platform,2026-06-01,\n", "line 3", "overlapping date ranges");
    // an open start overlaps everything before the other's end
    rejectsAccounts(HEAD + "111,data,,2026-07-01\n\n111,platform,2026-03-01,2026-04-01\n", "line 4", "overlap");
    // keys compare trimmed and ignoring case
    rejectsAccounts(HEAD + "AbC,data,,\n abc ,platform,2026-01-01,\n", "line 3", "overlapping date ranges");
  }

  @Test
  void duplicateKeys() {
    rejectsAccounts(HEAD + "111,data,,\n222,data,,\n111,platform,,\n", "line 4", "duplicate key");
    rejects("owners.csv", "team\nplatform\nPlatform\n", "{ id = a, type = account, mapping = owners.csv }", "line 3", "duplicate key");
    rejects("values.csv", "dimension,value,canonical\nenvironment,Production,prod\nenvironment,production ,prod\n",
        "{ id = t, type = tag, values = values.csv }", "line 3", "duplicate key");
  }

  @Test
  void serviceLinesAreKeyedByServiceAndChargeCategory() throws IOException {
    String rule = "{ id = s, type = service, mapping = services.csv }";
    // the same service with and without a category: two keys, both fine
    load("services.csv", "service_name,charge_category,team\n*,Tax,platform\n*,,data\nTax,,data\n", rule);
    rejects("services.csv", "service_name,charge_category,team\nEC2,Tax,platform\nec2 , tax,data\n", rule, "line 3", "duplicate key");
  }

  @Test
  void unknownOwners() {
    rejectsAccounts(HEAD + "111,data,,\n222,marketing,,\n", "line 3", "unknown owner: team 'marketing'");
    rejects("values.csv", "dimension,value,canonical\nteam,plat,platfrom\n",
        "{ id = t, type = tag, values = values.csv }", "line 2", "unknown owner");
  }

  @Test
  void malformedRows() {
    rejectsAccounts(HEAD + "111,data,2026-01-01\n", "line 2", "3 fields where the header has 4");
    rejectsAccounts(HEAD + "111,data,2026-13-01,\n", "line 2", "valid_from '2026-13-01' is not a date");
    rejectsAccounts(HEAD + "111,data,2026-05-01,2026-05-01\n", "line 2", "is not after valid_from");
    rejectsAccounts(HEAD + " ,data,,\n", "line 2", "account_id is empty");
    rejectsAccounts(HEAD + "111,,,\n", "line 2", "team is empty");
    rejectsAccounts(HEAD + "\"111,data,,\n", "line 2", "unterminated quote");
    rejectsAccounts("account_id,valid_from\n111,\n", "line 1", "required column 'team' is missing");
    rejectsAccounts("account_id,team,owner\n111,data,x\n", "line 1", "unknown column 'owner'");
    rejectsAccounts("", "line 1", "empty");
    rejects("resources.csv", "pattern,team\n\"^i-0[\",data\n", "{ id = r, type = resource, mapping = resources.csv }",
        "line 2", "not a valid regular expression");
    rejects("values.csv", "dimension,value,canonical\ncolour,red,RED\n", "{ id = t, type = tag, values = values.csv }",
        "line 2", "dimension 'colour'");
  }

  @Test
  void missingFile() {
    rejects("nowhere.csv", null, "{ id = a, type = account, mapping = nowhere.csv }", "", "does not exist");
  }

  @Test
  void badRuleConfiguration() {
    for (String[] c : new String[][] {
        {"{ id = a, type = owner, mapping = x.csv }", "costlake.ownership.rules[0].type"},
        {"{ id = a, type = account }", "costlake.ownership.rules[0].mapping"},
        {"{ id = a, type = account, match = org, mapping = x.csv }", "costlake.ownership.rules[0].match"},
        {"{ id = a, type = tag }, { id = A, type = tag }", "costlake.ownership.rules[1].id"},
        {"{ id = t, type = tag, keys { colour = [c] } }", "costlake.ownership.rules[0].keys.colour"}}) {
      PipelineException e = assertThrows(PipelineException.class, () -> load(null, null, c[0]));
      assertEquals(Errors.EXIT_USAGE, e.exitCode());
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
      assertTrue(e.getMessage().contains(dir.resolve("o.conf").toString()), e.getMessage());
    }
  }

  @Test
  void deltaTableMappingIsReadAndValidated() throws IOException {
    StructType s =
        new StructType()
            .add("account_id", DataTypes.StringType)
            .add("team", DataTypes.StringType)
            .add("valid_from", DataTypes.DateType)
            .add("valid_to", DataTypes.DateType);
    String table = dir.resolve("accounts_delta").toString();
    spark.createDataFrame(
            List.of(
                RowFactory.create("111", "data", null, Date.valueOf("2026-06-01")),
                RowFactory.create("111", "platform", Date.valueOf("2026-06-01"), null)),
            s)
        .write().format("delta").save(table);
    Ownership o = load(null, null, "{ id = a, type = account, mapping = accounts_delta }");
    List<MappingRow> rows = o.rules().get(0).rows();
    assertEquals(2, rows.size());
    StructType in =
        new StructType()
            .add(Focus.SubAccountId, DataTypes.StringType)
            .add(Focus.X_CHARGE_DATE, DataTypes.DateType);
    List<Row> owners =
        OwnershipResolver.resolve(
                spark.createDataFrame(
                    List.of(RowFactory.create("111", Date.valueOf("2026-05-31")), RowFactory.create("111", Date.valueOf("2026-06-01"))), in),
                o)
            .orderBy(Focus.X_CHARGE_DATE)
            .select(Focus.X_TEAM)
            .collectAsList();
    assertEquals("data", owners.get(0).getString(0));
    assertEquals("platform", owners.get(1).getString(0));

    spark.createDataFrame(List.of(RowFactory.create("111", "marketing", Date.valueOf("2027-01-01"), null)), s)
        .write().format("delta").mode("append").save(table);
    PipelineException e = assertThrows(PipelineException.class, () -> load(null, null, "{ id = a, type = account, mapping = accounts_delta }"));
    assertTrue(e.getMessage().contains(table) && e.getMessage().contains("row 2 of 3 {account_id=111, team=marketing") && e.getMessage().contains("unknown owner"), e.getMessage());
  }
}
