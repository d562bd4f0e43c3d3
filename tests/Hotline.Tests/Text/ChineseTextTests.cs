using Hotline.Server.Reference;
using Hotline.Server.Text;

namespace Hotline.Tests.Text;

public sealed class ChineseTextTests
{
    private static readonly ChineseText Text = new(SeedLoader.DefaultSeedPath);

    [Fact]
    public void Place_and_department_names_from_the_seed_stay_whole_words()
    {
        var words = Text.Words("市民来电反映天宁区青龙街道某小区停水三天，要求市场监督管理局处理");

        Assert.Contains("天宁区", words);
        Assert.Contains("青龙街道", words);
        Assert.Contains("停水", words);
        Assert.Contains("市场监督管理局", words);
        Assert.DoesNotContain("，", words);
    }

    [Fact]
    public void Topic_words_leave_out_hotline_phrasing_single_characters_and_numbers()
    {
        var words = Text.TopicWords("您好，市民来电反映：延陵中路88号夜间施工噪音扰民，要求尽快处理");

        Assert.Contains("夜间施工", words);
        Assert.Contains("噪音扰民", words);
        Assert.DoesNotContain("来电反映", words);
        Assert.DoesNotContain("要求", words);
        Assert.DoesNotContain("您好", words);
        Assert.DoesNotContain("88", words);
        Assert.All(words, w => Assert.True(w.Length >= 2));
    }

    [Fact]
    public void Search_terms_include_the_shorter_words_inside_a_long_one()
    {
        var terms = Text.SearchTerms("我想问一下住房公积金怎么交");

        Assert.Contains("住房公积金", terms);
        Assert.Contains("公积金", terms);
        Assert.DoesNotContain("一下", terms);
    }

    [Fact]
    public void Full_width_letters_and_upper_case_are_normalized()
    {
        Assert.Equal(Text.Words("wifi信号差"), Text.Words("ＷＩＦＩ信号差"));
    }

    [Fact]
    public void Keywords_rank_the_rare_words_of_a_matter_first()
    {
        var keywords = Text.Keywords("青龙街道停水三天，停水影响生活，供水公司电话打不通", 3);

        Assert.Equal("停水", keywords[0]);
        Assert.DoesNotContain("电话", keywords);
    }

    [Fact]
    public void Empty_text_has_no_words()
    {
        Assert.Empty(Text.Words(null));
        Assert.Empty(Text.SearchTerms("  "));
        Assert.Empty(Text.TopicWords("，。！"));
    }
}
