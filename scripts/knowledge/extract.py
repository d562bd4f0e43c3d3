#!/usr/bin/env python3
"""Extracts knowledge-base articles from the five source documents (shared/seeds) into seed/knowledge/articles.json.

Each clause of a regulation (第N条) and each numbered measure of a policy document becomes one article whose answer
is the document's own text and whose source names the document and the clause. Categories are assigned by keyword
rules (below) and the department is the category's default one. Run once; the output is committed:

    python3 scripts/knowledge/extract.py /path/to/shared/seeds
"""
import json, re, sys, pathlib

SOURCES = {
    '000_bb8da00277ddd998.txt': '常州市人民政府公报 2020年第2期（优化营商环境专刊）',
    '001_6405c77def7aaf8c.txt': '常州市人民政府公报 2022',
    '002_a73908009c716ec1.txt': '成都高新区优化营商环境行动方案（2019—2020年）',
    '003_24c6dcfb139a70dd.txt': '衢州市2023年营商环境优化提升实施方案',
    '004_f459350d5cf29f66.txt': '2022年赣州市赣县区优化营商环境对标提升实施方案',
}
CN = '一二三四五六七八九十百零'
CLAUSE = re.compile(rf'^第([{CN}]+)条\s*(.*)$')
ITEM = re.compile(rf'^(?:[（(]([{CN}]+)[)）]|([{CN}]+)、|(\d+)[.．、]\s*)(.*)$')
TITLE_WORDS = ('办法', '意见', '政策', '措施', '方案', '规定', '规则', '细则')
SKIP_HEADINGS = ('总体要求', '指导思想', '工作目标', '总体目标', '组织实施', '工作要求', '保障措施', '附则', '总则', '基本原则', '主要内容')
JUNK = ('标杆经验', '责任程度', '主要措施', '工作任务', '具体措施', '目标任务', '下列', '以下')
EXPIRY = re.compile(r'(?:执行期|实施期限|有效期|实施期)(?:限)?(?:延长)?(?:至|到)(\d{4})年(\d{1,2})月(\d{1,2})日')

# (keywords, category): the first rule whose keyword occurs in the title or text wins.
RULES = [
    (('游泳',), None),  # decided below by topic
    (('被征收', '房屋征收', '征收补偿', '征收部门'), None),
    (('信用保证基金', '担保', '融资', '贷款', '金融'), 'pol-financing'),
    (('稳岗返还', '失业保险'), 'si-unemployment'),
    (('养老保险', '社会保险', '社保'), 'social-insurance'),
    (('公积金',), 'provident-fund'),
    (('低保', '最低生活保障', '救助'), 'ca-minimum-living'),
    (('抵押登记',), 're-mortgage'),
    (('不动产', '交房即交证'), 'real-estate'),
    (('用电', '办电', '供电', '电力'), 'util-power'),
    (('用水', '供水'), 'util-water'),
    (('用气', '燃气'), 'util-gas'),
    (('施工许可', '工程建设项目', '竣工', '施工图'), 'construction'),
    (('出口退税',), 'tax-export-refund'),
    (('留抵',), 'tax-vat-credit-refund'),
    (('发票',), 'tax-invoice'),
    (('注销',), 'biz-simple-dereg'),
    (('一业一证',), 'biz-one-license'),
    (('个体工商户',), 'biz-individual'),
    (('企业开办', '营业执照', '设立登记', '开办企业'), 'biz-setup'),
    (('高新技术企业', '高企'), 'pol-hitech'),
    (('知识产权', '专利', '商标'), 'ip'),
    (('拖欠', '账款'), 'sme-arrears'),
    (('政府采购',), 'gov-procurement'),
    (('招标', '投标'), 'bidding'),
    (('信用修复', '失信', '信用'), 'credit'),
    (('外贸', '出口', '进口', '外资', '跨境'), 'foreign-investment'),
    (('通关', '海关'), 'fi-customs'),
    (('税费', '减税', '税收', '纳税'), 'tax-preference'),
    (('一网通办', '政务服务事项', '政务服务平台', '苏服办', '旗舰店', '自助', '政务服务'), 'eff-online-service'),
    (('招聘', '就业', '用工', '创业'), 'lab-employment-service'),
    (('职业资格', '技能'), 'lab-skills-subsidy'),
    (('工资',), 'lab-wage-arrears'),
    (('技术改造', '专精特新', '智能制造', '制造业'), 'pol-specialized'),
    (('消费', '商贸'), 'consumer'),
    (('安全生产', '危险化学品', '消防'), 'work-safety'),
    (('环境', '环评', '排污'), 'environment'),
    (('医保', '医疗'), 'medical'),
    (('教育', '学校', '入学'), 'education'),
    (('物业', '住房', '房地产'), 'housing'),
    (('12345', '热线', '投诉'), 'service-efficiency'),
]

def category_of(text):
    if '游泳' in text:
        if '许可' in text:
            return 'ph-swimming-license'
        if '健康' in text and '从业人员' in text:
            return 'ph-swimming-staff'
        return 'ph-swimming-water'
    if any(k in text for k in ('被征收', '房屋征收', '征收补偿', '征收部门', '征收决定')):
        if '评估' in text:
            return 'exp-appraisal'
        if '产权调换' in text or '安置' in text:
            return 'exp-property-swap'
        if '搬迁' in text and '强制' in text:
            return 'exp-forced-relocation'
        return 'exp-compensation'
    for words, category in RULES:
        if category and any(w in text for w in words):
            return category
    return 'policy'

def department_of(categories, code):
    for node in categories:
        if node['code'] == code:
            return node['departmentCode']
        for child in node.get('children', []):
            if child['code'] == code:
                return child['departmentCode']
    return 'zwb'

def paragraphs(text):
    # Blank lines separate paragraphs; a page break sometimes splits a word, so a paragraph that starts with no
    # marker and follows one not ended by punctuation is joined back.
    out = []
    for block in re.split(r'\n\s*\n', text):
        p = ''.join(l.strip() for l in block.splitlines()).strip()
        if not p:
            continue
        if out and not re.search(r'[。；;：:！？）)]$', out[-1]) and not CLAUSE.match(p) and not ITEM.match(p) and len(out[-1]) > 40:
            out[-1] += p
        else:
            out.append(p)
    return out

def short_doc(doc):
    d = re.sub(r'^常州市', '', doc or '')
    return d

def first_phrase(text, limit=30):
    t = re.split(r'[，。；：,;:]', text, maxsplit=1)[0]
    return t if len(t) <= limit else t[:limit] + '…'

def main(folder, out_path):
    root = pathlib.Path(__file__).resolve().parents[2]
    categories = json.loads((root / 'seed' / 'categories.json').read_text(encoding='utf-8'))
    articles = []
    for file, publication in SOURCES.items():
        text = (pathlib.Path(folder) / file).read_text(encoding='utf-8')
        doc = None
        current = None
        heading = None
        paras = paragraphs(text)
        i = 0
        def flush():
            nonlocal current
            if current and len(current['answer']) >= 60 and not any(h in current['title'] for h in SKIP_HEADINGS):
                articles.append(current)
            current = None
        while i < len(paras):
            p = paras[i]
            i += 1
            m = CLAUSE.match(p)
            if m and doc:
                flush()
                number, body = m.group(1), m.group(2)
                current = {'title': f'{short_doc(doc)}第{number}条：{first_phrase(body)}', 'answer': body,
                           'source': f'《{doc}》第{number}条，{publication}', 'doc': doc}
                continue
            bare = re.sub(r'[（(][^）)]*[）)]\s*$', '', p).strip()
            if len(p) <= 45 and not re.search('[。，,；]', p) and bare.endswith(TITLE_WORDS) and not ITEM.match(p) and not p.startswith('第'):
                flush()
                doc = re.sub(r'[（(]\d{4}.*$', '', p).strip()
                heading = None
                continue
            if re.match(rf'^第[{CN}]+章', p):
                flush()
                continue
            m = ITEM.match(p)
            if m:
                body = m.group(4).strip()
                if len(body) <= 40 and '。' not in body:
                    # A heading such as （一）企业开办8小时办好: the paragraphs after it are its text.
                    flush()
                    heading = body
                    current = {'title': body, 'answer': '', 'source': f'《{doc or publication}》“{body}”，{publication}', 'doc': doc}
                    continue
                flush()
                name = body.split('。', 1)[0] if '。' in body[:40] else first_phrase(body)
                rest = body.split('。', 1)[1] if '。' in body[:40] and body.split('。', 1)[1] else body
                title = name if len(name) <= 30 else name[:30] + '…'
                if heading and len(title) < 8:
                    title = f'{heading}：{title}'
                current = {'title': title, 'answer': rest, 'source': f'《{doc or publication}》{p[:len(p) - len(m.group(4))]}“{name[:30]}”，{publication}', 'doc': doc}
                continue
            if current is not None:
                current['answer'] = (current['answer'] + '\n\n' + p).strip()
        flush()

    seen = set()
    result = []
    for n, a in enumerate(articles, 1):
        title = a['title'].strip('：: ')
        if title in seen or len(a['answer']) < 80 or len(title) < 6 or any(h in title for h in JUNK):
            continue
        seen.add(title)
        text = title + a['answer']
        category = category_of(text)
        item = {
            'key': f'doc-{n:03d}',
            'title': title,
            'answer': a['answer'],
            'categoryCodes': [category],
            'departmentCodes': [department_of(categories, category)],
            'source': a['source'],
        }
        if m := EXPIRY.search(a['answer']):
            item['expiresOn'] = f'{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}'
        result.append(item)
    pathlib.Path(out_path).write_text(json.dumps(result, ensure_ascii=False, indent=2) + '\n', encoding='utf-8')
    print(f'{len(result)} articles written to {out_path}')

if __name__ == '__main__':
    root = pathlib.Path(__file__).resolve().parents[2]
    main(sys.argv[1] if len(sys.argv) > 1 else '/work/shared/seeds', root / 'seed' / 'knowledge' / 'articles.json')
