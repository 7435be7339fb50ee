// Renders the man page OPTIONS/SYNOPSIS sections and the bash, zsh and fish completions from
// the CLI11 App, so the parser, --help, the man page and the completions share one definition.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "seckit/cli.hpp"

namespace seckit::cli {

class DocGenerator {
 public:
  explicit DocGenerator(const Tool& tool) : tool_(tool) {}

  struct OptionDoc {
    std::vector<std::string> shorts, longs;
    std::string value;  // value placeholder, empty for flags
    std::string description;
    std::vector<std::string> choices;
    char kind = 0;  // 'c', 'f', 'd' or 0
  };

  struct CommandDoc {
    std::vector<std::string> path;  // {} for the tool itself, {"uri","parse"} for nested
    const CLI::App* app = nullptr;
    std::vector<OptionDoc> options;
    std::vector<std::pair<std::string, std::string>> positionals;  // name, description
    std::vector<const CLI::App*> children;
  };

  std::vector<CommandDoc> commands() const {
    std::vector<CommandDoc> out;
    collect(&tool_.app_, {}, out);
    return out;
  }

  const Tool::ValueHint* hint_for(const CLI::Option* option) const {
    for (const auto& h : tool_.hints_) {
      if (h.option == option) return &h;
    }
    return nullptr;
  }

  void collect(const CLI::App* app, const std::vector<std::string>& path,
               std::vector<CommandDoc>& out) const {
    CommandDoc doc;
    doc.path = path;
    doc.app = app;
    for (const CLI::Option* opt : app->get_options()) {
      if (opt->get_group().empty()) continue;  // hidden
      // -h/--help of a subcommand is implied; document it once, for the tool.
      if (!path.empty() && opt == app->get_help_ptr()) continue;
      if (opt->get_positional() && !opt->nonpositional()) {
        // FILE..., [HOST]: upper case, "..." when it takes several, brackets when optional.
        std::string display;
        for (char c : opt->get_name(true, false)) {
          display += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (opt->get_expected_max() > 1) display += "...";
        if (!opt->get_required()) display = "[" + display + "]";
        doc.positionals.emplace_back(display, opt->get_description());
        continue;
      }
      OptionDoc o;
      o.shorts = opt->get_snames();
      o.longs = opt->get_lnames();
      o.description = opt->get_description();
      if (opt->get_items_expected_max() > 0) {
        std::string type = opt->get_type_name();
        auto colon = type.find(':');
        o.value = colon == std::string::npos ? type : type.substr(0, colon);
        if (o.value.empty()) o.value = "VALUE";
      }
      if (const auto* h = hint_for(opt)) {
        o.kind = h->kind;
        o.choices = h->choices;
      }
      doc.options.push_back(std::move(o));
    }
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_group().empty()) continue;
      doc.children.push_back(sub);
    }
    out.push_back(doc);
    for (const CLI::App* sub : doc.children) {
      auto child_path = path;
      child_path.push_back(sub->get_name());
      collect(sub, child_path, out);
    }
  }

  static std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& item : items) {
      if (!out.empty()) out += sep;
      out += item;
    }
    return out;
  }

  // ---- man ----
  static std::string roff(std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c == '\\') {
        out += "\\e";
      } else if (c == '-') {
        out += "\\-";
      } else {
        out += c;
      }
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
  }

  static std::string option_names_roff(const OptionDoc& o) {
    std::vector<std::string> names;
    for (const auto& s : o.shorts) names.push_back("\\fB\\-" + roff(s) + "\\fR");
    for (const auto& l : o.longs) names.push_back("\\fB\\-\\-" + roff(l) + "\\fR");
    std::string out = join(names, ", ");
    if (!o.value.empty()) {
      out += " \\fI" + roff(o.choices.empty() ? o.value : join(o.choices, "|")) + "\\fR";
    }
    return out;
  }

  std::string man_synopsis() const {
    std::string out = ".SH SYNOPSIS\n";
    for (const auto& cmd : commands()) {
      // A command that only dispatches to subcommands has no synopsis line of its own; one that
      // also takes arguments (certcheck FILE... beside certcheck errcode) has.
      if (!cmd.children.empty() && cmd.positionals.empty()) continue;
      out += ".B " + tool_.name_;
      if (!cmd.path.empty()) out += " " + roff(join(cmd.path, " "));
      out += "\n[\\fIOPTIONS\\fR]";
      for (const auto& [name, desc] : cmd.positionals) out += " \\fI" + roff(name) + "\\fR";
      out += "\n.br\n";
    }
    return out;
  }

  std::string man_options() const {
    std::string out;
    for (const auto& cmd : commands()) {
      if (cmd.path.empty()) {
        out += ".SH OPTIONS\n";
        out += "These options are accepted by every command, before or after its name.\n";
      } else {
        out += fmt::format(".SS \"{} {}\"\n", tool_.name_, roff(join(cmd.path, " ")));
        std::string desc = cmd.app->get_description();
        if (!desc.empty()) out += roff(desc) + "\n";
      }
      for (const auto& [name, desc] : cmd.positionals) {
        out += ".TP\n\\fI" + roff(name) + "\\fR\n" + roff(desc) + "\n";
      }
      for (const auto& o : cmd.options) {
        out += ".TP\n" + option_names_roff(o) + "\n" + roff(o.description) + "\n";
      }
      if (cmd.path.empty() && !cmd.children.empty()) out += ".SH COMMANDS\n";
    }
    return out;
  }

  // ---- shells ----
  static std::string sq(std::string_view s) {  // single-quoted for sh
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    return out + "'";
  }

  std::string bash() const {
    auto cmds = commands();
    std::string fn = "_seckit_" + tool_.name_;
    for (char& c : fn) {
      if (c == '-') c = '_';
    }
    std::ostringstream s;
    s << "# bash completion for " << tool_.name_ << " (generated by `" << tool_.name_
      << " --generate bash`; do not edit)\n";
    s << fn << "() {\n";
    s << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" path=\"\" i\n";
    s << "  (( COMP_CWORD > 0 )) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n";
    s << "  for (( i=1; i<COMP_CWORD; i++ )); do\n    case \"$path:${COMP_WORDS[i]}\" in\n";
    for (const auto& cmd : cmds) {
      for (const CLI::App* child : cmd.children) {
        std::string from = join(cmd.path, " ");
        std::string to = from.empty() ? child->get_name() : from + " " + child->get_name();
        s << "      " << sq(from + ":" + child->get_name()) << ") path=" << sq(to) << " ;;\n";
      }
    }
    s << "    esac\n  done\n";
    // Values of options: choices, files, directories, or free text (no completion).
    s << "  case \"$prev\" in\n";
    std::vector<std::string> seen;
    for (const auto& cmd : cmds) {
      for (const auto& o : cmd.options) {
        if (o.value.empty()) continue;
        std::vector<std::string> names;
        for (const auto& n : o.shorts) names.push_back("-" + n);
        for (const auto& n : o.longs) names.push_back("--" + n);
        std::string pattern = join(names, "|");
        if (std::find(seen.begin(), seen.end(), pattern) != seen.end()) continue;
        seen.push_back(pattern);
        s << "    " << pattern << ")\n";
        if (o.kind == 'c') {
          s << "      COMPREPLY=( $(compgen -W " << sq(join(o.choices, " "))
            << " -- \"$cur\") ); return ;;\n";
        } else if (o.kind == 'f') {
          s << "      COMPREPLY=( $(compgen -f -- \"$cur\") ); compopt -o filenames 2>/dev/null; "
               "return ;;\n";
        } else if (o.kind == 'd') {
          s << "      COMPREPLY=( $(compgen -d -- \"$cur\") ); compopt -o filenames 2>/dev/null; "
               "return ;;\n";
        } else {
          s << "      return ;;\n";
        }
      }
    }
    s << "  esac\n";
    s << "  local words=\"\"\n  case \"$path\" in\n";
    const auto& root = cmds.front();
    for (const auto& cmd : cmds) {
      std::vector<std::string> words;
      auto add_options = [&](const CommandDoc& c) {
        for (const auto& o : c.options) {
          for (const auto& n : o.shorts) words.push_back("-" + n);
          for (const auto& n : o.longs) words.push_back("--" + n);
        }
      };
      add_options(cmd);
      if (!cmd.path.empty()) add_options(root);  // fallthrough: common flags everywhere
      for (const CLI::App* child : cmd.children) words.push_back(child->get_name());
      std::vector<std::string> unique;
      for (const auto& w : words) {
        if (std::find(unique.begin(), unique.end(), w) == unique.end()) unique.push_back(w);
      }
      words = unique;
      s << "    " << sq(join(cmd.path, " ")) << ") words=" << sq(join(words, " ")) << " ;;\n";
    }
    s << "  esac\n";
    s << "  COMPREPLY=( $(compgen -W \"$words\" -- \"$cur\") )\n";
    s << "  if [[ ${#COMPREPLY[@]} -eq 0 && \"$cur\" != -* ]]; then\n";
    s << "    COMPREPLY=( $(compgen -f -- \"$cur\") ); compopt -o filenames 2>/dev/null\n  fi\n";
    s << "}\ncomplete -F " << fn << " " << tool_.name_ << "\n";
    return s.str();
  }

  static std::string zsh_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
      if (c == '\'') {
        out += "'\\''";
        continue;
      }
      out += c;
    }
    return out;
  }

  std::string zsh() const {
    auto cmds = commands();
    std::ostringstream s;
    s << "#compdef " << tool_.name_ << "\n# zsh completion for " << tool_.name_
      << " (generated by `" << tool_.name_ << " --generate zsh`; do not edit)\n\n";
    s << "_seckit_" << tool_.name_ << "() {\n  local path_=\"\" i\n";
    s << "  for (( i=2; i<CURRENT; i++ )); do\n    case \"$path_:${words[i]}\" in\n";
    for (const auto& cmd : cmds) {
      for (const CLI::App* child : cmd.children) {
        std::string from = join(cmd.path, " ");
        std::string to = from.empty() ? child->get_name() : from + " " + child->get_name();
        s << "      " << sq(from + ":" + child->get_name()) << ") path_=" << sq(to) << " ;;\n";
      }
    }
    s << "    esac\n  done\n  local -a opts cmds\n  case \"$path_\" in\n";
    const auto& root = cmds.front();
    for (const auto& cmd : cmds) {
      s << "    " << sq(join(cmd.path, " ")) << ")\n      opts=(\n";
      auto add_options = [&](const CommandDoc& c) {
        for (const auto& o : c.options) {
          std::vector<std::string> names;
          for (const auto& n : o.shorts) names.push_back("-" + n);
          for (const auto& n : o.longs) names.push_back("--" + n);
          for (const auto& n : names) {
            std::string spec = n + "[" + zsh_escape(o.description) + "]";
            if (!o.value.empty()) {
              spec += ":" + zsh_escape(o.value) + ":";
              if (o.kind == 'c') {
                spec += "(" + join(o.choices, " ") + ")";
              } else if (o.kind == 'f') {
                spec += "_files";
              } else if (o.kind == 'd') {
                spec += "_files -/";
              } else {
                spec += " ";
              }
            }
            s << "        '" << spec << "'\n";
          }
        }
      };
      add_options(cmd);
      if (!cmd.path.empty()) add_options(root);
      s << "      )\n      cmds=(\n";
      for (const CLI::App* child : cmd.children) {
        s << "        '" << zsh_escape(child->get_name()) << ":"
          << zsh_escape(child->get_description()) << "'\n";
      }
      s << "      ) ;;\n";
    }
    s << "  esac\n";
    s << "  if (( ${#cmds} )) && [[ ${words[CURRENT]} != -* ]]; then\n";
    s << "    _describe -t commands command cmds\n  else\n";
    s << "    _arguments -s : \"${opts[@]}\" '*:argument:_files'\n  fi\n}\n\n";
    s << "_seckit_" << tool_.name_ << " \"$@\"\n";
    return s.str();
  }

  static std::string dq(std::string_view s) {  // double-quoted for fish
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\' || c == '$') out += '\\';
      out += c;
    }
    return out + "\"";
  }

  std::string fish() const {
    auto cmds = commands();
    std::ostringstream s;
    s << "# fish completion for " << tool_.name_ << " (generated by `" << tool_.name_
      << " --generate fish`; do not edit)\n";
    for (const auto& cmd : cmds) {
      std::string condition;
      if (!cmd.path.empty()) {
        std::vector<std::string> parts;
        for (const auto& p : cmd.path) parts.push_back("__fish_seen_subcommand_from " + p);
        condition = join(parts, "; and ");
      }
      auto cond_flag = [&](const std::string& c) {
        return c.empty() ? std::string() : " -n " + dq(c);
      };
      std::vector<std::string> child_names;
      for (const CLI::App* child : cmd.children) child_names.push_back(child->get_name());
      std::string list_condition;
      if (!child_names.empty()) {
        list_condition = cmd.path.empty() ? "__fish_use_subcommand"
                                          : condition + "; and not __fish_seen_subcommand_from " +
                                                join(child_names, " ");
      }
      for (const CLI::App* child : cmd.children) {
        s << "complete -c " << tool_.name_ << cond_flag(list_condition) << " -f -a "
          << dq(child->get_name()) << " -d " << dq(child->get_description()) << "\n";
      }
      for (const auto& o : cmd.options) {
        s << "complete -c " << tool_.name_ << cond_flag(condition);
        for (const auto& n : o.shorts) s << " -s " << n;
        for (const auto& n : o.longs) s << " -l " << n;
        if (!o.value.empty()) {
          s << " -r";
          if (o.kind == 'c') s << " -f -a " << dq(join(o.choices, " "));
          if (o.kind == 'd') s << " -f -a \"(__fish_complete_directories)\"";
        }
        s << " -d " << dq(o.description) << "\n";
      }
    }
    return s.str();
  }

 private:
  const Tool& tool_;
};

std::string Tool::generate(std::string_view kind) {
  DocGenerator gen(*this);
  if (kind == "man-options") return gen.man_options();
  if (kind == "man-synopsis") return gen.man_synopsis();
  if (kind == "bash") return gen.bash();
  if (kind == "zsh") return gen.zsh();
  if (kind == "fish") return gen.fish();
  throw std::invalid_argument(
      fmt::format("unknown kind '{}' (man-options, man-synopsis, bash, zsh, fish)", kind));
}

}  // namespace seckit::cli
