using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JiebaNet.Segmenter;

namespace Hotline.Server.Text;

/// <summary>
/// Chinese word segmentation (中文分词) with jieba.NET, for knowledge search, hot topics and keywords. One instance
/// per process: jieba's dictionary is a process-wide singleton of about 100 MB that takes 1–2 s to load, so it is
/// loaded once, on first use or by <see cref="ChineseTextWarmUp"/> right after start-up, never per request.
/// </summary>
/// <remarks>
/// The user dictionary is generated from seed/: department names and their common short names, districts, streets
/// and roads, category names, and <c>seed/text/user-words.txt</c> (hotline vocabulary). Stop words are jieba's list
/// plus <c>seed/text/stopwords.txt</c> (hotline phrasing such as 来电反映, 要求, 市民). Text is normalized first:
/// NFKC (full-width letters and digits become half-width) and lower-case Latin letters.
/// </remarks>
public sealed class ChineseText
{
    /// <summary>Where the app deploys jieba's dictionary files (see Hotline.Server.csproj).</summary>
    public static string DictionaryPath => Path.Combine(AppContext.BaseDirectory, "jieba");

    private static readonly Lock LoadLock = new();
    private static Loaded? shared;

    private readonly string seedPath;
    private Loaded? loaded;

    public ChineseText(string seedPath) => this.seedPath = seedPath;

    private Loaded State => loaded ??= Load(seedPath);

    /// <summary>Loads the dictionaries now (a warm-up), so the first request does not wait for them.</summary>
    public void EnsureLoaded() => _ = State;

    /// <summary>The words of a text in jieba's accurate mode, normalized, without white space and punctuation.</summary>
    public IReadOnlyList<string> Words(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. State.Segmenter.Cut(Normalize(text)).Where(IsWordLike)];

    /// <summary>
    /// The terms to index or to query by for search: jieba's search mode (long words also as their shorter words, so
    /// 公积金 finds 住房公积金), normalized, without stop words and punctuation.
    /// </summary>
    public IReadOnlyList<string> SearchTerms(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. State.Segmenter.CutForSearch(Normalize(text)).Where(w => IsWordLike(w) && !IsStopWord(w))];

    /// <summary>
    /// The words that may carry a matter's topic: accurate mode, no stop words, no single characters and no pure
    /// numbers (a house number or an amount is not a topic).
    /// </summary>
    public IReadOnlyList<string> TopicWords(string? text) =>
        [.. Words(text).Where(w => w.Length >= 2 && !IsStopWord(w) && !w.All(c => char.IsDigit(c) || c == '.'))];

    /// <summary>The top keywords of one text by TF-IDF against jieba's general corpus (IDF file), best first.</summary>
    public IReadOnlyList<string> Keywords(string? text, int count = 5) =>
        [.. TopicWords(text).GroupBy(w => w, StringComparer.Ordinal)
            .Select(g => (word: g.Key, score: g.Count() * Idf(g.Key)))
            .OrderByDescending(x => x.score).ThenBy(x => x.word, StringComparer.Ordinal)
            .Take(count).Select(x => x.word)];

    public bool IsStopWord(string word) => State.StopWords.Contains(word);

    /// <summary>
    /// The words that may name a hot topic (热点): <see cref="TopicWords"/> without the hotline's generic words
    /// (<c>seed/text/topic-stopwords.txt</c>: 时间, 公司, 问题, 情况…), which most calls have whatever they are about.
    /// </summary>
    public IReadOnlyList<string> HotTopicWords(string? text) => [.. TopicWords(text).Where(w => !IsTopicStopWord(w))];

    /// <summary>A word of <c>seed/text/topic-stopwords.txt</c>: never a hot topic (knowledge search still uses it).</summary>
    public bool IsTopicStopWord(string word) => State.TopicStopWords.Contains(word);

    /// <summary>Inverse document frequency of a word in jieba's general corpus; the median for a word it does not know.</summary>
    public double Idf(string word) => State.Idf.TryGetValue(word, out var idf) ? idf : State.MedianIdf;

    /// <summary>NFKC (full-width → half-width) and lower-case Latin letters, so 'ＷＩＦＩ' and 'wifi' are one word.</summary>
    public static string Normalize(string text) => text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    private static bool IsWordLike(string word)
    {
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
                return true;
        }
        return false;
    }

    private sealed record Loaded(JiebaSegmenter Segmenter, FrozenSet<string> StopWords, FrozenSet<string> TopicStopWords, FrozenDictionary<string, double> Idf, double MedianIdf);

    private static Loaded Load(string seedPath)
    {
        // jieba keeps its dictionary in a static singleton, and adding words is not thread-safe: one load per process.
        lock (LoadLock)
        {
            if (shared is not null)
                return shared;
            ConfigManager.ConfigFileBaseDir = DictionaryPath;
            var segmenter = new JiebaSegmenter();
            foreach (var word in UserWords(seedPath))
                segmenter.AddWord(word);

            var stop = ReadLines(Path.Combine(DictionaryPath, "stopwords.txt"))
                .Concat(ReadLines(Path.Combine(seedPath, "text", "stopwords.txt")))
                .Select(Normalize).ToFrozenSet(StringComparer.Ordinal);
            var topicStop = ReadLines(Path.Combine(seedPath, "text", "topic-stopwords.txt")).Select(Normalize).ToFrozenSet(StringComparer.Ordinal);

            var idf = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var line in ReadLines(Path.Combine(DictionaryPath, "idf.txt")))
            {
                var space = line.LastIndexOf(' ');
                if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    idf[line[..space]] = value;
            }
            var sorted = idf.Values.Order().ToArray();
            var median = sorted.Length == 0 ? 10.0 : sorted[sorted.Length / 2];
            return shared = new Loaded(segmenter, stop, topicStop, idf.ToFrozenDictionary(StringComparer.Ordinal), median);
        }
    }

    /// <summary>The user dictionary: names from the reference seed files and the hotline's own words.</summary>
    public static IEnumerable<string> UserWords(string seedPath)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ReadLines(Path.Combine(seedPath, "text", "user-words.txt")))
            words.Add(line.Split(' ', 2)[0]);
        foreach (var name in JsonNames(Path.Combine(seedPath, "departments.json")))
        {
            words.Add(name);
            // 常州市市场监督管理局 → also 市场监督管理局, as people say it.
            foreach (var prefix in new[] { "常州市", "国家税务总局常州市", "中华人民共和国" })
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length + 1)
                    words.Add(name[prefix.Length..]);
            }
        }
        foreach (var name in JsonNames(Path.Combine(seedPath, "districts.json")))
            words.Add(name);
        foreach (var name in JsonNames(Path.Combine(seedPath, "categories.json")))
            words.Add(name);
        var addresses = Path.Combine(seedPath, "demo", "addresses.json");
        if (File.Exists(addresses))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(addresses));
            foreach (var district in doc.RootElement.EnumerateObject())
            {
                foreach (var place in district.Value.EnumerateArray())
                {
                    var text = place.GetString();
                    if (string.IsNullOrEmpty(text))
                        continue;
                    words.Add(text);
                    // 红梅街道红梅新村: the street (街道) or town (镇) on its own is a place people name.
                    foreach (var marker in new[] { "街道", "镇" })
                    {
                        var at = text.IndexOf(marker, StringComparison.Ordinal);
                        if (at > 0 && at + marker.Length < text.Length)
                            words.Add(text[..(at + marker.Length)]);
                    }
                }
            }
        }
        return words.Where(w => w.Length >= 2).Select(Normalize).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }

    /// <summary>Every "name" in a seed file, nested children included.</summary>
    private static List<string> JsonNames(string path)
    {
        if (!File.Exists(path))
            return [];
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var names = new List<string>();
        Collect(doc.RootElement, names);
        return names;

        static void Collect(JsonElement element, List<string> names)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                    Collect(item, names);
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                if (element.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } text)
                    names.Add(text);
                if (element.TryGetProperty("children", out var children))
                    Collect(children, names);
            }
        }
    }

    private static IEnumerable<string> ReadLines(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim().TrimStart('\uFEFF')).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : [];
}

/// <summary>Loads the segmenter's dictionaries in the background after start-up, so no request waits for them.</summary>
public sealed class ChineseTextWarmUp(ChineseText text, ILogger<ChineseTextWarmUp> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        text.EnsureLoaded();
        logger.LogInformation("Chinese segmentation dictionaries loaded in {ElapsedMs} ms",
            (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }, stoppingToken);
}

public static class TextSetup
{
    public static IServiceCollection AddChineseText(this IServiceCollection services)
    {
        services.AddSingleton(_ => new ChineseText(Reference.SeedLoader.DefaultSeedPath));
        services.AddHostedService<ChineseTextWarmUp>();
        return services;
    }
}
