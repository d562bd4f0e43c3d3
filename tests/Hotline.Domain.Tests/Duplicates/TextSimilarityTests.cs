using Hotline.Domain.Duplicates;

namespace Hotline.Domain.Tests.Duplicates;

public class TextSimilarityTests
{
    // From seed/demo/ticket-templates.json (um-street-vending), placeholders filled.
    private const string StreetVending =
        "夜市摊贩占道经营堵塞道路 天宁区延陵中路88号每天晚上有大量流动摊贩占用人行道和非机动车道经营，油烟大、垃圾多，行人只能走机动车道，非常危险。请城管部门规范管理。";

    // The same matter told by another caller in their own words.
    private const string StreetVendingReworded =
        "延陵中路88号门口晚上摊贩占道 每天晚上九点以后延陵中路88号附近有很多流动摊贩在人行道上摆摊，油烟和垃圾很多，行人被迫走机动车道，希望城管来管一管。";

    // From the same templates (lab-wage-arrears), a different matter.
    private const string WageArrears =
        "公司拖欠三个月工资 我在天宁区延陵中路88号的常州市恒远精密机械有限公司上班，公司已经拖欠我们三个月工资，共计36000元，老板一直说等回款再发。我们有二十多个工人都没拿到工资，请劳动保障监察部门帮忙讨薪。";

    private const string SwimmingPool =
        "游泳馆池水浑浊未公示余氯检测 11月2日我带孩子去钟楼区南大街100号附近的一家游泳馆，池水浑浊有异味，孩子游完眼睛发红。馆内也没有公示游离性余氯、pH值等水质日常检测结果。请卫生健康部门检查该场所水质是否符合国家卫生标准。";

    [Fact]
    public void Identical_texts_are_fully_similar()
    {
        Assert.Equal(1.0, TextSimilarity.Compare(StreetVending, StreetVending));
        Assert.Equal(1.0, TextSimilarity.Compare("占道", "占道"));
        Assert.Equal(1.0, TextSimilarity.Compare("堵", "堵"));
    }

    [Fact]
    public void A_reworded_complaint_about_the_same_vendors_at_the_same_address_is_similar()
    {
        var score = TextSimilarity.Compare(StreetVending, StreetVendingReworded);
        Assert.InRange(score, 0.35, 0.6); // measured 0.40
    }

    [Fact]
    public void Unrelated_matters_are_far_apart_even_at_the_same_address()
    {
        Assert.InRange(TextSimilarity.Compare(StreetVending, SwimmingPool), 0.0, 0.1);
        Assert.InRange(TextSimilarity.Compare(StreetVending, WageArrears), 0.0, 0.2); // shares only the address
        Assert.Equal(0.0, TextSimilarity.Compare("占道经营", "拖欠工资"));
    }

    [Fact]
    public void Punctuation_whitespace_width_and_ascii_case_do_not_matter()
    {
        Assert.Equal(1.0, TextSimilarity.Compare("ＰＭ２.５超标，请处理！", "pm25 超标 请处理"));
        Assert.Equal(1.0, TextSimilarity.Compare("“延陵中路”　８８号", "延陵中路88号"));
        Assert.Equal("abc123延陵中路", TextSimilarity.Normalize(" ＡＢＣ，１２３\t延陵中路。"));
    }

    [Fact]
    public void Short_and_empty_texts_are_handled()
    {
        Assert.Equal(0.0, TextSimilarity.Compare("", ""));
        Assert.Equal(0.0, TextSimilarity.Compare(null, StreetVending));
        Assert.Equal(0.0, TextSimilarity.Compare("，。！", "，。！")); // nothing left after normalization
        Assert.Equal(0.0, TextSimilarity.Compare("堵", "路"));
        Assert.Equal(0.0, TextSimilarity.Compare("堵", "堵塞道路"));
        Assert.Equal(1, Shingles.Of("堵").Count);
        Assert.Equal(0, Shingles.Of(" ").Count);
    }

    [Theory]
    [InlineData(StreetVending, StreetVendingReworded)]
    [InlineData(StreetVending, WageArrears)]
    [InlineData(SwimmingPool, WageArrears)]
    [InlineData("占道", "占道经营占道经营")]
    [InlineData("a", "ab")]
    public void Similarity_is_symmetric_and_bounded(string a, string b)
    {
        var ab = TextSimilarity.Compare(a, b);
        var ba = TextSimilarity.Compare(b, a);
        Assert.Equal(ab, ba);
        Assert.InRange(ab, 0.0, 1.0);
    }

    [Fact]
    public void Repeated_words_count_once()
    {
        Assert.Equal(1.0, TextSimilarity.Compare("占道占道占道", "占道占道"));
    }

    [Fact]
    public void Precomputed_shingles_give_the_same_answer_as_raw_text()
    {
        var draft = Shingles.Of(StreetVending);
        string[] candidates = [StreetVendingReworded, WageArrears, SwimmingPool, StreetVending];
        foreach (var c in candidates)
            Assert.Equal(TextSimilarity.Compare(StreetVending, c), TextSimilarity.Compare(draft, Shingles.Of(c)));
    }
}
