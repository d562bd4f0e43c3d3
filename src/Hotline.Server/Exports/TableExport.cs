using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MiniExcelLibs;

namespace Hotline.Server.Exports;

/// <summary>One column of an export: its header (already in the reader's language) and how to read it from a row.</summary>
public sealed record ExportColumn<T>(string Header, Func<T, object?> Value);

/// <summary>One sheet of a workbook: a name, the columns and the rows, read one at a time.</summary>
public sealed record ExportSheet(string Name, IReadOnlyList<string> Headers, IAsyncEnumerable<object?[]> Rows)
{
    public static ExportSheet Of<T>(string name, IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows) =>
        new(name, columns.Select(c => c.Header).ToList(), Project(columns, rows));

    public static ExportSheet Of<T>(string name, IReadOnlyList<ExportColumn<T>> columns, IEnumerable<T> rows) =>
        Of(name, columns, rows.ToAsyncEnumerable());

    private static async IAsyncEnumerable<object?[]> Project<T>(IReadOnlyList<ExportColumn<T>> columns, IAsyncEnumerable<T> rows,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in rows.WithCancellation(ct))
            yield return columns.Select(c => c.Value(row)).ToArray();
    }
}

public enum ExportFormat
{
    Xlsx,
    Csv,
}

/// <summary>
/// Streamed exports (导出) of any table to .xlsx or CSV: rows are read from an <see cref="IAsyncEnumerable{T}"/> and
/// written as they come, so a million rows never sit in memory. CSV goes straight to the response (UTF-8 with BOM so
/// Excel reads Chinese, RFC 4180 quoting). The workbook is written by MiniExcel to a temporary file first, because its
/// zip writer finishes with synchronous writes that Kestrel refuses, and then copied to the response.
/// </summary>
public static class TableExport
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static string ContentType(ExportFormat format) => format == ExportFormat.Xlsx ? XlsxContentType : CsvContentType;

    public static string Extension(ExportFormat format) => format == ExportFormat.Xlsx ? ".xlsx" : ".csv";

    /// <summary>An endpoint result that streams the sheets (CSV: the first sheet) as a download.</summary>
    public static IResult Result(ExportFormat format, string fileName, params ExportSheet[] sheets) =>
        new ExportResult(format, fileName + Extension(format), sheets);

    public static async Task WriteAsync(Stream output, ExportFormat format, IReadOnlyList<ExportSheet> sheets, CancellationToken ct)
    {
        if (format == ExportFormat.Csv)
            await WriteCsvAsync(output, sheets[0], ct);
        else
            await WriteXlsxAsync(output, sheets, ct);
    }

    public static async Task WriteCsvAsync(Stream output, ExportSheet sheet, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', sheet.Headers.Select(Csv)));
        var written = 0;
        await foreach (var row in sheet.Rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',', row.Select(v => Csv(Text(v)))));
            if (++written % 1000 == 0)
                await writer.FlushAsync(ct);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>Writes the workbook, one sheet per table, through a temporary file, then copies it to <paramref name="output"/>.</summary>
    public static async Task WriteXlsxAsync(Stream output, IReadOnlyList<ExportSheet> sheets, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hotline-export-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var workbook = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var sheet in sheets)
                    workbook[SheetName(sheet.Name, workbook.Keys)] = Cells(sheet, ct);
                await file.SaveAsAsync(workbook, printHeader: true, excelType: ExcelType.XLSX, cancellationToken: ct);
            }
            await using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await read.CopyToAsync(output, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Rows as MiniExcel reads them: header → value, in column order.</summary>
    private static async IAsyncEnumerable<IDictionary<string, object?>> Cells(ExportSheet sheet, [EnumeratorCancellation] CancellationToken ct)
    {
        var headers = Unique(sheet.Headers);
        await foreach (var row in sheet.Rows.WithCancellation(ct))
        {
            var cells = new Dictionary<string, object?>(headers.Count, StringComparer.Ordinal);
            for (var i = 0; i < headers.Count; i++)
                cells[headers[i]] = Cell(i < row.Length ? row[i] : null);
            yield return cells;
        }
    }

    /// <summary>Excel cells: numbers stay numbers, instants become local text, enums their names.</summary>
    private static object? Cell(object? value) => value switch
    {
        null => null,
        int or long or double or decimal => value,
        _ => Text(value),
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTimeOffset at => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static List<string> Unique(IReadOnlyList<string> headers)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return headers.Select(h => seen.Add(h) ? h : $"{h} ({seen.Count(s => s.StartsWith(h, StringComparison.Ordinal))})").ToList();
    }

    /// <summary>Excel's rules: at most 31 characters, none of []:*?/\, unique.</summary>
    private static string SheetName(string name, IEnumerable<string> taken)
    {
        var clean = new string(name.Where(c => c is not ('[' or ']' or ':' or '*' or '?' or '/' or '\\')).ToArray());
        clean = clean.Length == 0 ? "Sheet" : clean[..Math.Min(clean.Length, 28)];
        var result = clean;
        for (var i = 2; taken.Contains(result, StringComparer.OrdinalIgnoreCase); i++)
            result = $"{clean}{i}";
        return result;
    }

    private sealed class ExportResult(ExportFormat format, string fileName, IReadOnlyList<ExportSheet> sheets) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.ContentType = ContentType(format);
            var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(fileName); // filename (ASCII) and filename* (UTF-8) both
            http.Response.Headers.ContentDisposition = disposition.ToString();
            await WriteAsync(http.Response.Body, format, sheets, http.RequestAborted);
        }
    }
}
