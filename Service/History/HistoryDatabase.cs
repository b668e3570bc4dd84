using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ParNetDetect.Service.History;

/// <summary>
/// The history's SQLite file (events.db in the history folder), opened in WAL mode so the API reads while the writer
/// writes, with <c>synchronous=FULL</c> so a committed event survives a crash or a power cut. Opening creates the
/// folder and the schema, applies migrations, and checks the file: one that is not a database or is damaged is moved
/// aside (events.db.corrupt-TIME) with one warning and a new one is started; a folder that cannot be written or a
/// database from a newer build is a <see cref="HistoryUnavailableException"/> with the one line to show.
/// </summary>
public sealed class HistoryDatabase
{
    public const string FileName = "events.db";
    readonly string _readWrite, _readOnly;

    HistoryDatabase(string folder)
    {
        Folder = folder;
        FilePath = Path.Combine(folder, FileName);
        var builder = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        _readWrite = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadOnly;
        _readOnly = builder.ToString();
    }

    public string Folder { get; }
    public string FilePath { get; }

    public static HistoryDatabase Open(string folder, ILogger logger)
    {
        var db = new HistoryDatabase(Path.GetFullPath(folder));
        db.CheckFolder();
        try
        {
            db.Prepare();
        }
        catch (SqliteException e) when (IsDamaged(e))
        {
            string aside = db.MoveAside();
            logger.LogWarning("Event history: '{Path}' is not a usable database ({Error}); moved it to '{Aside}' and started a new one",
                db.FilePath, e.Message, aside);
            db.Prepare();
        }
        catch (NewerSchemaException e)
        {
            throw new HistoryUnavailableException($"'{db.FilePath}' {e.Message}");
        }
        return db;
    }

    /// <summary>A connection for the one writer: foreign keys on (deleting an event deletes its zones), FULL sync,
    /// and a short busy wait so a locked file is noticed and retried by the writer rather than blocking it for long.</summary>
    public SqliteConnection OpenWriter()
    {
        var c = new SqliteConnection(_readWrite) { DefaultTimeout = 5 };
        c.Open();
        Execute(c, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
        return c;
    }

    /// <summary>A read-only connection (the API's queries); WAL lets it read while the writer commits.</summary>
    public SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_readOnly);
        c.Open();
        return c;
    }

    /// <summary>Closes the pooled connections to the file (at stop): a pooled connection keeps the file it opened,
    /// so one reused after the file was moved or deleted would read and write a file that is gone.</summary>
    public void ReleasePools()
    {
        foreach (string connection in new[] { _readWrite, _readOnly })
        {
            using var c = new SqliteConnection(connection);
            SqliteConnection.ClearPool(c);
        }
    }

    void CheckFolder()
    {
        try
        {
            Directory.CreateDirectory(Folder);
            // Writing a file is the one reliable test (permissions, read-only mounts, systemd's ProtectSystem=).
            using var probe = new FileStream(Path.Combine(Folder, $".parnet-detect-write-test-{Environment.ProcessId}"),
                FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HistoryUnavailableException($"folder '{Folder}' cannot be created or written: {e.Message}");
        }
    }

    void Prepare()
    {
        using var c = new SqliteConnection(_readWrite);
        c.Open();
        // quick_check reads every page: a damaged file is found now, not by a query at some later hour.
        string check = Convert.ToString(Scalar(c, "PRAGMA quick_check(1)"), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        if (check != "ok") throw new SqliteException($"quick_check: {check.ReplaceLineEndings(" ")}", 11 /* SQLITE_CORRUPT */);
        Execute(c, "PRAGMA journal_mode = WAL;");
        SchemaMigrations.Apply(c, SchemaMigrations.All);
    }

    static bool IsDamaged(SqliteException e) => e.SqliteErrorCode is 11 /* SQLITE_CORRUPT */ or 26 /* SQLITE_NOTADB */;

    string MoveAside()
    {
        SqliteConnection.ClearAllPools(); // pooled connections keep the damaged file open
        string aside = $"{FilePath}.corrupt-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        File.Move(FilePath, aside);
        foreach (string suffix in new[] { "-wal", "-shm" })
            if (File.Exists(FilePath + suffix)) File.Move(FilePath + suffix, aside + suffix);
        return aside;
    }

    public static int Execute(SqliteConnection c, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection c, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, sql, transaction, parameters);
        return command.ExecuteScalar();
    }

    public static SqliteCommand Command(SqliteConnection c, string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}

/// <summary>The history cannot run (folder not writable, database from a newer build); the message is the one line
/// the service logs before it goes on detecting without a history.</summary>
public sealed class HistoryUnavailableException(string message) : Exception(message);
