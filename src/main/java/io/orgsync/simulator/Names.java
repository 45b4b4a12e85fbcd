package io.orgsync.simulator;

import java.util.HashMap;
import java.util.Map;

/**
 * Person names. Ordinary names come from common surnames and given-name characters; a few
 * deterministic positions get awkward names that break naive CSV, JSON or UTF-16 handling.
 * No name contains 的, because Wuhan family titles are split on it ("张三的妈妈").
 */
final class Names {

    private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
            "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
            "彭", "曾", "萧", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
            "任", "沈", "欧阳", "司马", "诸葛", "上官"};

    private static final String GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉浩宇轩然"
            + "梓涵子墨欣怡雨桐思远嘉博文天佑诗若曦一诺俊熙铭泽晨阳紫萱梦琪安宁瑞雪晓峰志国建春";

    /** Each row is one awkward category; every category appears in every org that has room for it. */
    static final String[][] AWKWARD = {
            {"张𠀀", "𪚥龘"},               // supplementary-plane CJK (surrogate pairs) and a 64-stroke BMP char
            {"王😀", "🐼熊猫"},              // emoji, also surrogate pairs
            {"Li, Ming", "张,三"},          // commas (CSV)
            {"\"小明\"", "O\"Brien"},        // double quotes (CSV, JSON)
            {"李\n四", "Line\nBreak"},       // newlines (JSONL, CSV, logs)
            {"反\\斜杠"},                     // backslash (JSON escaping)
    };

    private Names() {
    }

    static String person(long seed, int kind, long index) {
        long h = Mix.hash(seed, 1000 + kind, index);
        String surname = SURNAMES[(int) Long.remainderUnsigned(h, SURNAMES.length)];
        int given = GIVEN.length();
        char a = GIVEN.charAt((int) Long.remainderUnsigned(h >>> 16, given));
        if (((h >>> 40) & 3) == 0) {
            return surname + a;
        }
        char b = GIVEN.charAt((int) Long.remainderUnsigned(h >>> 24, given));
        return surname + a + b;
    }

    /** Positions in [0, n) that get an awkward name instead, spread by the seed. */
    static Map<Integer, String> awkward(long seed, int kind, int n) {
        Map<Integer, String> out = new HashMap<>();
        if (n <= 0) {
            return out;
        }
        for (int category = 0; category < AWKWARD.length; category++) {
            for (int r = 0; r < AWKWARD[category].length && out.size() < n; r++) {
                int at = Mix.pick(seed, 2000 + kind * 16 + category, r, n);
                while (out.containsKey(at)) {
                    at = (at + 1) % n;
                }
                out.put(at, AWKWARD[category][r]);
            }
        }
        return out;
    }

    static final String[] CN_DIGITS = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

    /** 1..99 in Chinese numerals: 一, 十二, 二十三. */
    static String chineseNumber(int n) {
        if (n < 0 || n >= 100) {
            return Integer.toString(n);
        }
        if (n <= 10) {
            return CN_DIGITS[n];
        }
        if (n < 20) {
            return "十" + CN_DIGITS[n - 10];
        }
        int tens = n / 10;
        int ones = n % 10;
        return CN_DIGITS[tens] + "十" + (ones == 0 ? "" : CN_DIGITS[ones]);
    }
}
