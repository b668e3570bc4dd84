using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ParNetDetect.Service.History;
using ParNetDetect.Service.Tests.Support;

namespace ParNetDetect.Service.Tests.History;

/// <summary>The database file: schema versions and migrations, damaged and newer files, unwritable folders.</summary>
public class HistoryStoreTests
{
    static SqliteConnection Open(string file)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    [Fact]
    public void ANewDatabaseGetsTheCurrentSchemaInWalMode()
    {
        string dir = TestVideos.TempDirectory();
        var db = HistoryDatabase.Open(Path.Combine(dir, "history"), new ListLogger());
        using var c = db.OpenReader();
        Assert.Equal(SchemaMigrations.Current, SchemaMigrations.VersionOf(c));
        Assert.Equal("wal", HistoryDatabase.Scalar(c, "PRAGMA journal_mode"));
        Assert.Equal(1L, HistoryDatabase.Scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'events'"));
        Assert.Equal(1L, HistoryDatabase.Scalar(c, "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'stationary'"));
    }

    [Fact]
    public void MigrationsBringAnOlderDatabaseUpOneTransactionAtATimeAndKeepItsRows()
    {
        string file = Path.Combine(TestVideos.TempDirectory(), "m.db");
        string[] v1 = ["CREATE TABLE t (a INTEGER);"], v2 = [.. v1, "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x';"];
        using var c = Open(file);
        SchemaMigrations.Apply(c, v1);
        HistoryDatabase.Execute(c, "INSERT INTO t (a) VALUES (7)");
        Assert.Equal(1, SchemaMigrations.VersionOf(c));
        SchemaMigrations.Apply(c, v2);
        Assert.Equal(2, SchemaMigrations.VersionOf(c));
        Assert.Equal("x", HistoryDatabase.Scalar(c, "SELECT b FROM t WHERE a = 7"));

        // A migration that fails leaves the database at the last complete version.
        Assert.Throws<SqliteException>(() => SchemaMigrations.Apply(c, [.. v2, "CREATE TABLE u (a); THIS IS NOT SQL;"]));
        Assert.Equal(2, SchemaMigrations.VersionOf(c));
        Assert.Equal(0L, HistoryDatabase.Scalar(c, "SELECT count(*) FROM sqlite_master WHERE name = 'u'"));
    }

    [Fact]
    public void ADatabaseFromANewerBuildIsRefusedAndLeftAsItIs()
    {
        string folder = Path.Combine(TestVideos.TempDirectory(), "history");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, HistoryDatabase.FileName);
        using (var c = Open(file)) HistoryDatabase.Execute(c, $"CREATE TABLE future (x); PRAGMA user_version = {SchemaMigrations.Current + 1};");
        var e = Assert.Throws<HistoryUnavailableException>(() => HistoryDatabase.Open(folder, new ListLogger()));
        Assert.Equal($"'{file}' has schema version {SchemaMigrations.Current + 1}, newer than this version of parnet-detect knows " +
            $"({SchemaMigrations.Current}); run the newer version, or move the file away to start a new history", e.Message);
        using (var c = Open(file)) Assert.Equal(SchemaMigrations.Current + 1, SchemaMigrations.VersionOf(c));
    }

    [Theory]
    [InlineData("this is not a database, just text that happens to be long enough to look like a header of something")]
    [InlineData(null)] // a real database with a damaged page
    public void ADamagedFileIsMovedAsideWithOneWarningAndANewDatabaseStarted(string? content)
    {
        string folder = Path.Combine(TestVideos.TempDirectory(), "history");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, HistoryDatabase.FileName);
        if (content != null) File.WriteAllText(file, content);
        else
        {
            using (var c = Open(file))
                HistoryDatabase.Execute(c, "CREATE TABLE t (a TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) " +
                    "INSERT INTO t SELECT printf('%0100d', i) FROM n;");
            using var f = new FileStream(file, FileMode.Open);
            f.Position = 4096 * 3; // inside the table's pages, past the header
            f.Write(Enumerable.Repeat((byte)0xA5, 4096).ToArray());
        }
        var log = new ListLogger();
        var db = HistoryDatabase.Open(folder, log);

        var (level, message) = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, level);
        string aside = Assert.Single(Directory.GetFiles(folder, "events.db.corrupt-*"));
        Assert.StartsWith($"Event history: '{file}' is not a usable database (", message);
        Assert.EndsWith($"); moved it to '{aside}' and started a new one", message);
        Assert.DoesNotContain("\n", message);
        using var reader = db.OpenReader();
        Assert.Equal(SchemaMigrations.Current, SchemaMigrations.VersionOf(reader));
    }

    [Fact]
    public void AnUnwritableFolderIsOneLineNamingIt()
    {
        string blocker = Path.Combine(TestVideos.TempDirectory(), "a-file");
        File.WriteAllText(blocker, "");
        var e = Assert.Throws<HistoryUnavailableException>(() => HistoryDatabase.Open(Path.Combine(blocker, "history"), new ListLogger()));
        Assert.StartsWith($"folder '{blocker}/history' cannot be created or written: ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
