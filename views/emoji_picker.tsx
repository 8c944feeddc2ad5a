import type { Translator } from "../i18n/mod.ts";

/**
 * The emoji the picker offers, each with the words it is found by. Shipped with the page, so
 * picking needs no request and no outside service.
 */
export const EMOJI: readonly (readonly [string, string])[] = [
  ["👍", "thumbs up yes ok like agree"],
  ["👎", "thumbs down no dislike disagree"],
  ["❤️", "heart love red"],
  ["😂", "joy laugh tears funny lol"],
  ["🎉", "party tada celebrate congratulations"],
  ["😮", "wow surprised open mouth"],
  ["😀", "grin smile happy"],
  ["😃", "smile happy joy"],
  ["😄", "smile happy laugh"],
  ["😁", "grin beaming"],
  ["😅", "sweat smile relief"],
  ["🤣", "rofl rolling laugh"],
  ["🙂", "slight smile"],
  ["😉", "wink"],
  ["😊", "blush smile happy"],
  ["😇", "angel innocent halo"],
  ["😍", "heart eyes love"],
  ["🥰", "love hearts smiling"],
  ["😘", "kiss blow"],
  ["😋", "yum tasty delicious"],
  ["😜", "wink tongue silly"],
  ["🤪", "zany crazy silly"],
  ["🤔", "thinking hmm consider"],
  ["🤗", "hug hugging"],
  ["🤫", "shush quiet secret"],
  ["🤐", "zipper mouth secret"],
  ["😐", "neutral meh"],
  ["😑", "expressionless"],
  ["😶", "no mouth speechless"],
  ["🙄", "eye roll whatever"],
  ["😏", "smirk"],
  ["😬", "grimace awkward"],
  ["😌", "relieved calm"],
  ["😔", "pensive sad"],
  ["😴", "sleep tired zzz"],
  ["🤒", "sick ill thermometer"],
  ["🤯", "mind blown exploding head"],
  ["🥳", "party celebrate birthday"],
  ["😎", "cool sunglasses"],
  ["🤓", "nerd geek"],
  ["😕", "confused"],
  ["😟", "worried"],
  ["😢", "cry sad tear"],
  ["😭", "sob crying loudly"],
  ["😱", "scream fear shocked"],
  ["😤", "triumph frustrated huff"],
  ["😡", "angry mad rage"],
  ["🥺", "pleading puppy eyes please"],
  ["😳", "flushed embarrassed"],
  ["🥲", "smile tear grateful"],
  ["👋", "wave hello hi bye"],
  ["👌", "ok perfect"],
  ["✌️", "victory peace"],
  ["🤞", "fingers crossed luck hope"],
  ["👏", "clap applause bravo"],
  ["🙌", "raised hands hooray praise"],
  ["🙏", "pray please thanks folded hands"],
  ["💪", "muscle strong flex"],
  ["👀", "eyes look see watching"],
  ["🧠", "brain smart"],
  ["💯", "hundred perfect score"],
  ["🔥", "fire hot lit"],
  ["✨", "sparkles shiny new"],
  ["⭐", "star favourite"],
  ["🌟", "glowing star"],
  ["⚡", "lightning fast zap"],
  ["💥", "boom collision"],
  ["💡", "idea bulb light"],
  ["✅", "check done yes complete"],
  ["❌", "cross no wrong cancel"],
  ["❓", "question what"],
  ["❗", "exclamation important"],
  ["⚠️", "warning caution"],
  ["🚀", "rocket launch ship fast"],
  ["🎯", "target bullseye goal"],
  ["🏆", "trophy win prize"],
  ["🎁", "gift present"],
  ["🎂", "cake birthday"],
  ["☕", "coffee tea break"],
  ["🍕", "pizza food lunch"],
  ["🍺", "beer drink cheers"],
  ["🥂", "cheers toast champagne"],
  ["📅", "calendar date meeting"],
  ["📌", "pin pushpin important"],
  ["📎", "paperclip attachment"],
  ["📝", "memo note write"],
  ["📈", "chart up growth"],
  ["📉", "chart down decline"],
  ["💻", "laptop computer"],
  ["🐛", "bug insect"],
  ["🔧", "wrench fix tool"],
  ["🔒", "lock secure private"],
  ["🔔", "bell notification"],
  ["💬", "speech bubble comment chat"],
  ["📣", "megaphone announcement"],
  ["☀️", "sun sunny weather"],
  ["🌧️", "rain weather"],
  ["🌈", "rainbow"],
  ["🐶", "dog puppy"],
  ["🐱", "cat kitten"],
  ["🦄", "unicorn"],
  ["💚", "green heart"],
  ["💙", "blue heart"],
  ["💜", "purple heart"],
  ["🖤", "black heart"],
  ["💔", "broken heart"],
];

/**
 * The emoji picker, once per page: a search box over the shipped emoji. The page script
 * opens it from a message's toolbar (to react) or from the composer (to insert).
 */
export function EmojiPicker(props: { t: Translator }) {
  const t = props.t;
  return (
    <div id="emoji-picker" class="emoji-picker" role="dialog" aria-label={t("ui.add_reaction")} hidden>
      <input type="search" class="emoji-search" aria-label={t("ui.emoji_search")} placeholder={t("ui.emoji_search")} />
      <div class="emoji-grid">
        {EMOJI.map(([emoji, words]) => (
          <button
            type="button"
            class="emoji-option"
            data-emoji={emoji}
            data-words={words}
            title={words.split(" ")[0]}
            tabindex={-1}
          >
            {emoji}
          </button>
        ))}
      </div>
      <p class="emoji-empty" hidden>{t("ui.no_emoji")}</p>
    </div>
  );
}
