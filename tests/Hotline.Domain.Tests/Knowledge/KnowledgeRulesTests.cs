using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Policies;

namespace Hotline.Domain.Tests.Knowledge;

public sealed class ArticleLifecycleTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Theory]
    [InlineData(ArticleStatus.Draft, ArticleAction.Submit, ArticleStatus.Review)]
    [InlineData(ArticleStatus.Review, ArticleAction.Publish, ArticleStatus.Published)]
    [InlineData(ArticleStatus.Draft, ArticleAction.Publish, ArticleStatus.Published)]
    [InlineData(ArticleStatus.Review, ArticleAction.ReturnToDraft, ArticleStatus.Draft)]
    [InlineData(ArticleStatus.Published, ArticleAction.Withdraw, ArticleStatus.Withdrawn)]
    [InlineData(ArticleStatus.Published, ArticleAction.Expire, ArticleStatus.Expired)]
    [InlineData(ArticleStatus.Expired, ArticleAction.Reopen, ArticleStatus.Draft)]
    [InlineData(ArticleStatus.Withdrawn, ArticleAction.Reopen, ArticleStatus.Draft)]
    public void An_article_moves_through_draft_review_published_and_expired_or_withdrawn(ArticleStatus from, ArticleAction action, ArticleStatus to) =>
        Assert.Equal(to, ArticleLifecycle.Next(from, action));

    [Theory]
    [InlineData(ArticleStatus.Draft, ArticleAction.Withdraw)]
    [InlineData(ArticleStatus.Withdrawn, ArticleAction.Publish)]
    [InlineData(ArticleStatus.Expired, ArticleAction.Publish)]
    [InlineData(ArticleStatus.Published, ArticleAction.Submit)]
    public void Steps_out_of_order_are_refused(ArticleStatus from, ArticleAction action) => Assert.Null(ArticleLifecycle.Next(from, action));

    [Fact]
    public void Expiry_is_system_only_and_not_offered_to_editors() =>
        Assert.DoesNotContain("expire", ArticleLifecycle.AllowedFrom(ArticleStatus.Published));

    [Fact]
    public void A_published_article_past_its_expiry_date_counts_as_expired_before_the_daily_job_runs()
    {
        Assert.Equal(ArticleStatus.Expired, ArticleLifecycle.Effective(ArticleStatus.Published, null, Today.AddDays(-1), Today));
        Assert.Equal(ArticleStatus.Published, ArticleLifecycle.Effective(ArticleStatus.Published, null, Today, Today));
        Assert.False(ArticleLifecycle.IsPublic(ArticleStatus.Published, null, Today.AddDays(-1), Today));
    }

    [Fact]
    public void The_public_sees_only_published_articles_in_force()
    {
        Assert.True(ArticleLifecycle.IsPublic(ArticleStatus.Published, Today, null, Today));
        Assert.False(ArticleLifecycle.IsPublic(ArticleStatus.Published, Today.AddDays(1), null, Today)); // not yet in force
        Assert.False(ArticleLifecycle.IsPublic(ArticleStatus.Withdrawn, null, null, Today));
        Assert.False(ArticleLifecycle.IsPublic(ArticleStatus.Review, null, null, Today));
    }

    [Fact]
    public void Agents_see_expired_and_withdrawn_articles_but_not_drafts()
    {
        Assert.True(ArticleLifecycle.IsForAgents(ArticleStatus.Expired));
        Assert.True(ArticleLifecycle.IsForAgents(ArticleStatus.Withdrawn));
        Assert.False(ArticleLifecycle.IsForAgents(ArticleStatus.Draft));
        Assert.False(ArticleLifecycle.IsForAgents(ArticleStatus.Review));
    }

    [Theory]
    [InlineData(Roles.KnowledgeEditor, true)]
    [InlineData(Roles.Supervisor, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Agent, false)]
    [InlineData(Roles.DepartmentHandler, false)]
    public void Editors_are_knowledge_editors_supervisors_and_admins(string role, bool editor) =>
        Assert.Equal(editor, ArticleLifecycle.IsEditor(new Actor("x", "x", role, role == Roles.DepartmentHandler ? "scjg" : null)));
}

public sealed class ArticleContentTests
{
    private sealed class Codes : Tickets.IReferenceCodes
    {
        public bool IsCategory(string code) => code == "provident-fund";
        public bool IsDistrict(string code) => code == "tianning";
        public bool IsDepartment(string code) => code == "gjj";
    }

    [Fact]
    public void Content_is_validated_field_by_field_with_json_paths()
    {
        var content = new ArticleContent
        {
            Title = "", Answer = "答复", Questions = ["", "公积金怎么取"], Links = [new("全文", "javascript:alert(1)")],
            CategoryCodes = ["nope"], DepartmentCodes = ["gjj"], EffectiveFrom = new(2026, 1, 2), ExpiresOn = new(2026, 1, 1),
        };
        var fields = content.Validate(new Codes()).Select(e => (e.Field, e.Code)).ToList();
        Assert.Equal(
            [("title", "Required"), ("questions[0]", "Required"), ("links[0].url", KnowledgeErrors.InvalidUrl), ("categoryCodes[0]", "UnknownCategory"), ("expiresOn", KnowledgeErrors.ExpiresBeforeEffective)],
            fields);
    }
}

public sealed class SearchPlanTests
{
    private static IReadOnlyList<string> Synonyms(string w) => w switch { "社保" => ["社会保险"], _ => [] };

    private static string? Pinyin(string w) => w switch { "社宝" => "shebao", "社保" => "shebao", "宝" => "bao", _ => null };

    [Fact]
    public void Words_and_their_synonyms_are_alternatives()
    {
        var plan = SearchPlan.For("社保怎么交", ["社保", "交"], Synonyms, Pinyin);
        Assert.Equal(["社保", "社会保险", "交"], plan.Words);
    }

    [Fact]
    public void Short_chinese_queries_also_match_as_character_phrases()
    {
        Assert.Equal(["社 保"], SearchPlan.For("社保", ["社保"], Synonyms, Pinyin).CharPhrases);
        Assert.Equal(["税"], SearchPlan.For("税", ["税"], Synonyms, Pinyin).CharPhrases);
        Assert.Empty(SearchPlan.For("外地社保转到常州怎么办", ["外地"], Synonyms, Pinyin).CharPhrases);
    }

    [Fact]
    public void Single_characters_left_by_segmentation_are_read_as_pinyin_together_for_homophone_typos()
    {
        var plan = SearchPlan.For("社宝转移", ["社", "宝", "转移"], Synonyms, Pinyin);
        Assert.Contains("shebao", plan.Pinyin);
    }

    [Fact]
    public void Latin_letters_alone_are_pinyin_initials()
    {
        var plan = SearchPlan.For("GJJ", [], Synonyms, Pinyin);
        Assert.Equal("gjj", plan.InitialsPrefix);
        Assert.Contains("initials : \"gjj\" *", plan.ToFts5(), StringComparison.Ordinal);
    }

    [Fact]
    public void Query_terms_are_quoted_so_search_syntax_cannot_be_injected()
    {
        var plan = SearchPlan.For("a\" OR x", ["a\"", "or"], _ => [], _ => null);
        Assert.Contains("\"a\"\"\"", plan.ToFts5(), StringComparison.Ordinal);
        Assert.Contains("'它''s'", SearchPlan.For("它's", ["它's"], _ => [], _ => null).ToTsQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public void Highlight_terms_are_the_words_and_phrases_longest_first() =>
        Assert.Equal(["社会保险", "社保交", "社保"], SearchPlan.For("社保交", ["社保", "交"], Synonyms, Pinyin).HighlightTerms);

    [Fact]
    public void Single_characters_are_highlighted_only_when_the_query_has_nothing_longer() =>
        Assert.Equal(["税"], SearchPlan.For("税", ["税"], Synonyms, Pinyin).HighlightTerms);

    private static Func<PlanTerm, long> Counts(params (PlanTermKind Kind, string Text, long Count)[] counts) =>
        t => counts.FirstOrDefault(c => c.Kind == t.Kind && c.Text == t.Text).Count;

    [Fact]
    public void Common_terms_are_not_asked_of_the_index_when_rarer_ones_are_there()
    {
        // 100,000 articles: a term in more than 2,000 is common. 补缴 and the pinyin bujiao are in half of them.
        var plan = new SearchPlan(["公积金", "补缴"], ["公 积 金"], ["bujiao", "gongjijin"], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "公积金", 1200), (PlanTermKind.Word, "补缴", 50_001), (PlanTermKind.TitleWord, "补缴", 2001),
            (PlanTermKind.CharPhrase, "公 积 金", 900), (PlanTermKind.Pinyin, "bujiao", 2001), (PlanTermKind.Pinyin, "gongjijin", 800)), 100_000);
        Assert.Equal(["公积金"], pruned.Words);
        Assert.Equal(["公 积 金"], pruned.CharPhrases);
        Assert.Equal(["gongjijin"], pruned.Pinyin);
        Assert.Empty(pruned.TitleWords!);
        Assert.Equal("{title questions body} : \"公积金\" OR grams : \"公 积 金\" OR pinyin : \"gongjijin\"", pruned.ToFts5());
        Assert.Equal("'公积金' | ('g公' <-> 'g积' <-> 'g金') | 'pgongjijin'", pruned.ToTsQuery());
    }

    [Fact]
    public void A_word_common_in_answers_is_asked_of_titles_and_questions_only()
    {
        var plan = new SearchPlan(["社保", "转移"], [], [], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "社保", 2001), (PlanTermKind.TitleWord, "社保", 700), (PlanTermKind.Word, "转移", 300)), 100_000);
        Assert.Equal(["转移"], pruned.Words);
        Assert.Equal(["社保"], pruned.TitleWords!);
        Assert.Equal("{title questions body} : \"转移\" OR {title questions} : \"社保\"", pruned.ToFts5());
        Assert.Equal("'转移' | '社保':AB", pruned.ToTsQuery());
    }

    [Fact]
    public void When_every_term_is_common_the_rarest_one_is_kept_alone()
    {
        var plan = new SearchPlan(["办"], ["办"], ["ban"], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "办", 2001), (PlanTermKind.TitleWord, "办", 2001), (PlanTermKind.CharPhrase, "办", 2001),
            (PlanTermKind.Pinyin, "ban", 2001)), 100_000);
        Assert.Equal(new PlanTerm(PlanTermKind.TitleWord, "办"), Assert.Single(pruned.Terms));
    }

    [Fact]
    public void A_small_knowledge_base_keeps_every_term()
    {
        // 726 articles: a term in 600 of them is in most, but reading 600 matches costs nothing.
        var plan = new SearchPlan(["常州", "社保"], [], [], null);
        Assert.Equal(["常州", "社保"], plan.Prune(Counts((PlanTermKind.Word, "常州", 600), (PlanTermKind.Word, "社保", 40)), 726).Words);
        Assert.Equal(SearchPlan.CommonFloor, SearchPlan.CommonCutoff(726));
        Assert.Equal(4000, SearchPlan.CommonCutoff(200_000));
    }

    [Fact]
    public void The_rarest_terms_are_kept_within_the_match_budget()
    {
        // Budget at 100,000 articles: 4,000 matches. 1,000 + 1,200 + 1,800 fit; 1,900 and 2,000 more would not.
        var plan = new SearchPlan(["甲甲", "乙乙", "丙丙", "丁丁", "戊戊"], [], [], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "甲甲", 2000), (PlanTermKind.Word, "乙乙", 1800), (PlanTermKind.Word, "丙丙", 1900),
            (PlanTermKind.Word, "丁丁", 1200), (PlanTermKind.Word, "戊戊", 1000)), 100_000);
        Assert.Equal(4000, SearchPlan.MatchBudget(100_000));
        Assert.Equal(["乙乙", "丁丁", "戊戊"], pruned.Words);
    }

    [Fact]
    public void Single_characters_and_numbers_come_after_words_in_the_budget()
    {
        // 天 is rarer than 简易注销 and 办法, but in a long question it says little: the words take the budget first
        // (1,900 + 1,800 of 4,000), then 2026 fits and 天 does not.
        var plan = new SearchPlan(["2026", "天", "简易注销", "办法"], [], [], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "2026", 1), (PlanTermKind.Word, "天", 1500), (PlanTermKind.Word, "简易注销", 1900),
            (PlanTermKind.Word, "办法", 1800)), 100_000);
        Assert.Equal(["2026", "简易注销", "办法"], pruned.Words);
    }

    [Fact]
    public void Single_characters_and_numbers_are_left_out_once_three_words_are_asked()
    {
        // 4,101 matches in all, more than the budget of 4,000.
        var plan = new SearchPlan(["2026", "简易注销", "办法", "经营"], ["税"], [], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "2026", 1), (PlanTermKind.Word, "简易注销", 1300), (PlanTermKind.Word, "办法", 1200),
            (PlanTermKind.Word, "经营", 1100), (PlanTermKind.CharPhrase, "税", 500)), 100_000);
        Assert.Equal(["简易注销", "办法", "经营"], pruned.Words);
        Assert.Empty(pruned.CharPhrases);
    }

    [Fact]
    public void The_pinyin_of_a_word_found_in_the_index_is_left_out_and_the_pinyin_of_a_typo_stays()
    {
        // More matches than the budget in all. 社保 is found, so shebao would find its titles again; zhuanyi comes from 转移,
        // which is too common to be asked itself.
        var plan = SearchPlan.For("社保转移", ["社保", "转移"], _ => [], w => w switch { "社保" => "shebao", "转移" => "zhuanyi", _ => null });
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "社保", 1500), (PlanTermKind.Word, "转移", 60_000), (PlanTermKind.TitleWord, "转移", 20_000),
            (PlanTermKind.Pinyin, "shebao", 1500), (PlanTermKind.Pinyin, "zhuanyi", 1400), (PlanTermKind.CharPhrase, "社 保 转 移", 20)), 100_000);
        Assert.Equal(["社保"], pruned.Words);
        Assert.Equal(["zhuanyi"], pruned.Pinyin);

        // 社宝, a homophone typo, is left in single characters: their pinyin shebao is the way to 社保's articles.
        var typo = SearchPlan.For("社宝转移", ["社", "宝", "转移"], _ => [], w => w switch { "社宝" => "shebao", _ => null });
        var typoPruned = typo.Prune(Counts((PlanTermKind.Word, "社", 1000), (PlanTermKind.Word, "宝", 1000), (PlanTermKind.Word, "转移", 2000),
            (PlanTermKind.Pinyin, "shebao", 1500)), 100_000);
        Assert.Equal(["shebao"], typoPruned.Pinyin);
        Assert.Equal(["转移"], typoPruned.Words);
    }

    [Fact]
    public void A_part_of_a_kept_term_matching_as_many_articles_is_not_asked_again()
    {
        // Every article with 营业执照 has 营业 and 执照 too: the same 1,000 articles, asked once (5,100 matches in all would be
        // more than the budget).
        var plan = new SearchPlan(["营业", "执照", "营业执照", "复印件"], ["营 业 执 照"], [], null);
        var pruned = plan.Prune(Counts((PlanTermKind.Word, "营业", 1000), (PlanTermKind.Word, "执照", 1000), (PlanTermKind.Word, "营业执照", 1000),
            (PlanTermKind.Word, "复印件", 1100), (PlanTermKind.CharPhrase, "营 业 执 照", 1000)), 100_000);
        Assert.Equal(["营业执照", "复印件"], pruned.Words);
        Assert.Empty(pruned.CharPhrases);
    }

    [Fact]
    public void A_long_query_keeps_its_rarest_terms_up_to_the_cap_and_leaves_out_those_matching_nothing()
    {
        var words = Enumerable.Range(1, 20).Select(i => "词" + i).ToList();
        var plan = new SearchPlan([.. words, "无此词"], [], [], null);
        var pruned = plan.Prune(t => t.Text == "无此词" ? 0 : int.Parse(t.Text[1..], System.Globalization.CultureInfo.InvariantCulture), 100_000);
        // 词1 … 词16, the rarest, in the plan's order; the word matching nothing would only cost the ranking of each match.
        Assert.Equal([.. words.Take(SearchPlan.MaxIndexTerms)], pruned.Words);
    }

    [Fact]
    public void A_plan_whose_terms_all_match_nothing_stays_as_it_is()
    {
        var plan = new SearchPlan(["甲乙"], ["甲 乙"], [], "jy");
        Assert.Equal(plan.Terms, plan.Prune(_ => 0, 100_000).Terms);
    }
}

public sealed class RankingAndHighlightTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Fact]
    public void The_agents_category_lifts_an_article_and_articles_not_in_force_sink()
    {
        var context = new RankContext(Today, "pf-withdrawal", "provident-fund");
        var plain = new RankFacts(1, 10, ArticleStatus.Published, null, null, ["tax"], [], 0);
        var sameCategory = new RankFacts(2, 8, ArticleStatus.Published, null, null, ["pf-withdrawal"], [], 0);
        var expired = new RankFacts(3, 15, ArticleStatus.Expired, null, null, ["pf-withdrawal"], [], 0);
        Assert.Equal([1, 2, 3], KnowledgeRanking.Rank([sameCategory, plain, expired], new RankContext(Today)).Select(f => (int)f.ArticleId));
        Assert.Equal([2, 1, 3], KnowledgeRanking.Rank([plain, sameCategory, expired], context).Select(f => (int)f.ArticleId));
    }

    [Fact]
    public void Coverage_is_the_share_of_topic_words_found() =>
        Assert.Equal(0.5, KnowledgeRanking.Coverage(["公积金", "鸽子"], "租房提取公积金的额度"));

    [Fact]
    public void A_snippet_is_the_window_with_the_most_hits_and_marks_them()
    {
        var text = new string('甲', 200) + "租房提取公积金额度" + new string('乙', 200);
        var parts = Highlighter.Snippet(text, ["公积金", "提取"], 40);
        Assert.Equal("…", parts[0].Text);
        Assert.Equal(["提取", "公积金"], parts.Where(p => p.Hit).Select(p => p.Text));
        Assert.True(parts.Sum(p => p.Text.Length) <= 44);
    }

    [Fact]
    public void Longer_terms_win_where_terms_overlap() =>
        Assert.Equal(["住房公积金"], Highlighter.Whole("住房公积金提取", ["公积金", "住房公积金"]).Where(p => p.Hit).Select(p => p.Text));
}

public sealed class TextDiffTests
{
    [Fact]
    public void A_changed_number_in_a_paragraph_shows_as_that_number()
    {
        var parts = TextDiff.Compare("低保标准为940元/人/月。\n第二行不变", "低保标准为1000元/人/月。\n第二行不变");
        Assert.Contains(parts, p => p.Kind == DiffKind.Removed && p.Text == "94");
        Assert.Contains(parts, p => p.Kind == DiffKind.Added && p.Text == "100");
        Assert.Equal("低保标准为1000元/人/月。\n第二行不变\n", string.Concat(parts.Where(p => p.Kind != DiffKind.Removed).Select(p => p.Text)));
    }

    [Fact]
    public void Added_and_removed_lines_are_whole()
    {
        var parts = TextDiff.Compare("一\n二", "一\n二\n三");
        Assert.Equal([(DiffKind.Same, "一\n二\n"), (DiffKind.Added, "三\n")], parts.Select(p => (p.Kind, p.Text)));
    }
}

public sealed class KnowledgeFeedbackTests
{
    [Fact]
    public void A_draft_is_proposed_when_no_article_covers_the_ticket_well()
    {
        Assert.True(KnowledgeFeedback.ProposesDraft(0.3));
        Assert.False(KnowledgeFeedback.ProposesDraft(0.8));
    }

    [Fact]
    public void Articles_expiring_within_thirty_days_are_flagged()
    {
        var today = new DateOnly(2026, 11, 23);
        Assert.True(KnowledgeFeedback.ExpiresSoon(today.AddDays(30), today));
        Assert.False(KnowledgeFeedback.ExpiresSoon(today.AddDays(31), today));
        Assert.False(KnowledgeFeedback.ExpiresSoon(today.AddDays(-1), today)); // already expired: the daily job expires it
        Assert.False(KnowledgeFeedback.ExpiresSoon(null, today));
    }

    [Fact]
    public void A_department_changes_its_answer_when_its_reply_to_the_same_question_reads_unlike_its_article()
    {
        const string article = "中小微企业返还比例从60%提高至90%，免申即享，公示后直接拨付。";
        Assert.True(KnowledgeFeedback.ChangesAnswer(0.8, "rsj", ["rsj"], article, "今年起稳岗返还改为企业自行网上申报，审核通过后次月到账。"));
        Assert.False(KnowledgeFeedback.ChangesAnswer(0.8, "rsj", ["rsj"], article, article));
        Assert.False(KnowledgeFeedback.ChangesAnswer(0.8, "scjg", ["rsj"], article, "完全不同的答复内容。")); // not its article
        Assert.False(KnowledgeFeedback.ChangesAnswer(0.2, "rsj", ["rsj"], article, "完全不同的答复内容。")); // not the same question
    }
}

public sealed class PolicyMatchingTests
{
    private static EnterpriseProfile Enterprise(string? industry = "C", string? district = "tianning", EnterpriseSize? size = EnterpriseSize.Small,
        RegistrationType? type = RegistrationType.LimitedLiability, string[]? tags = null, string? email = "a@example.com", bool subscribed = true, bool bounced = false) =>
        new("91320400MA0000001X", industry, district, size, type, tags ?? [], email, subscribed, bounced);

    [Fact]
    public void An_empty_audience_matches_every_enterprise() => Assert.True(PolicyMatching.Matches(new PolicyAudience(), Enterprise(industry: null, size: null)));

    [Fact]
    public void Every_criterion_that_is_set_must_hold()
    {
        var audience = new PolicyAudience { Industries = ["C"], DistrictCodes = ["tianning", "xinbei"], Sizes = [EnterpriseSize.Small, EnterpriseSize.Medium] };
        Assert.True(PolicyMatching.Matches(audience, Enterprise()));
        Assert.False(PolicyMatching.Matches(audience, Enterprise(industry: "F")));
        Assert.False(PolicyMatching.Matches(audience, Enterprise(district: "wujin")));
        Assert.False(PolicyMatching.Matches(audience, Enterprise(size: EnterpriseSize.Large)));
        Assert.False(PolicyMatching.Matches(audience, Enterprise(size: null))); // unknown size does not match a size criterion
    }

    [Fact]
    public void One_shared_tag_is_enough() =>
        Assert.True(PolicyMatching.Matches(new PolicyAudience { Tags = ["外贸", "高新技术企业"] }, Enterprise(tags: ["高新技术企业"])));

    [Fact]
    public void Only_subscribed_enterprises_with_a_working_address_are_emailed()
    {
        Assert.True(PolicyMatching.CanEmail(Enterprise()));
        Assert.False(PolicyMatching.CanEmail(Enterprise(subscribed: false)));
        Assert.False(PolicyMatching.CanEmail(Enterprise(bounced: true)));
        Assert.False(PolicyMatching.CanEmail(Enterprise(email: null)));
    }

    [Theory]
    [InlineData("C", "C")]
    [InlineData("c", "C")]
    [InlineData("制造业", "C")]
    [InlineData("Z", null)]
    public void Industries_are_gb_t_4754_sections_by_letter_or_name(string value, string? section) => Assert.Equal(section, Gb4754.Parse(value));

    [Fact]
    public void An_import_row_names_each_bad_field()
    {
        var errors = new EnterpriseRecord { CreditCode = "123", Name = "", Industry = "Z", Size = "巨型", Email = "x", Phone = "12" }.Validate(_ => true);
        Assert.Equal(["creditCode", "name", "industry", "size", "email", "phone"], errors.Select(e => e.Field));
    }
}
