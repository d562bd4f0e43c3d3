using System.Text.Json;
using Hotline.Server.Reference;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Reference;

/// <summary>The agent's category search (拼音检索) over the generated seed/pinyin.json.</summary>
public sealed class PinyinSearchTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private static readonly PinyinName WageArrears = PinyinName.Of("工资拖欠", "gztq", "gong zi tuo qian");
    private static readonly PinyinName Labour = PinyinName.Of("劳动就业与工资拖欠", "ldjyygztq", "lao dong jiu ye yu gong zi tuo qian");

    [Theory]
    [InlineData("gztq", 0)]
    [InlineData("GZTQ", 0)]
    [InlineData("gz", 1)]
    [InlineData("gongzi", 2)]
    [InlineData("gong zi", 2)]
    [InlineData("gzi", 2)]
    [InlineData("gongzt", 2)]
    [InlineData("tq", 3)]
    [InlineData("tuoqian", 3)]
    [InlineData("工资", 1)]
    [InlineData("工资拖欠", 0)]
    [InlineData("拖欠", 3)]
    public void A_name_is_found_by_its_text_its_initials_or_its_syllables(string query, int score) =>
        Assert.Equal(score, PinyinSearch.Score(query, WageArrears));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("gzx")]
    [InlineData("gongzii")]
    [InlineData("qg")]
    [InlineData("工钱")]
    public void Something_else_is_no_match(string query) => Assert.Null(PinyinSearch.Score(query, WageArrears));

    [Fact]
    public void An_exact_match_ranks_before_a_match_inside_a_longer_name()
    {
        Assert.True(PinyinSearch.Score("gztq", WageArrears) < PinyinSearch.Score("gztq", Labour));
        Assert.True(PinyinSearch.Score("工资", WageArrears) < PinyinSearch.Score("工资", Labour));
    }

    [Fact]
    public void A_syllable_is_not_split_across_characters_to_force_a_match() =>
        // g(ong) then t(uo) would skip 资: syllables must follow each other.
        Assert.Null(PinyinSearch.Score("gt", WageArrears));

    [Fact]
    public void The_server_finds_categories_districts_and_departments_by_initials_and_by_chinese()
    {
        var reference = fixture.Factory.Services.GetRequiredService<ReferenceData>();

        Assert.Equal("lab-wage-arrears", reference.SearchCategories("gztq")[0].Code);
        Assert.Equal(["lab-wage-arrears", "labor"], reference.SearchCategories("工资").Select(c => c.Code));
        Assert.Equal("labor", reference.SearchCategories("ldjy")[0].Code);
        Assert.Equal("tianning", reference.SearchDistricts("tnq")[0].Code);
        Assert.Equal("scjg", reference.SearchDepartments("市场监督")[0].Code);
        Assert.Equal("scjg", reference.SearchDepartments("shichangjian")[0].Code);
        Assert.Equal("劳动就业与工资拖欠 › 工资拖欠", reference.CategoryPath("lab-wage-arrears"));
    }

    [Fact]
    public void The_generated_file_covers_every_category_department_and_district_with_its_current_name()
    {
        var seed = Path.Combine(AppContext.BaseDirectory, "seed");
        using var pinyin = JsonDocument.Parse(File.ReadAllText(Path.Combine(seed, "pinyin.json")));
        void Check(string file, string section, bool checkInitials)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(seed, file)));
            foreach (var node in Flatten(doc.RootElement))
            {
                var code = node.GetProperty("code").GetString()!;
                Assert.True(pinyin.RootElement.GetProperty(section).TryGetProperty(code, out var entry), $"{section} {code} is missing: run scripts/pinyin");
                Assert.Equal(node.GetProperty("name").GetString(), entry.GetProperty("name").GetString());
                if (checkInitials) // the initials in the seed files were checked by hand for polyphonic characters
                    Assert.Equal(node.GetProperty("pinyin").GetString(), entry.GetProperty("initials").GetString());
            }
        }
        Check("categories.json", "categories", checkInitials: true);
        Check("districts.json", "districts", checkInitials: true);
        Check("departments.json", "departments", checkInitials: false);
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement array)
    {
        foreach (var node in array.EnumerateArray())
        {
            yield return node;
            if (node.TryGetProperty("children", out var children))
            {
                foreach (var child in Flatten(children))
                    yield return child;
            }
        }
    }
}
