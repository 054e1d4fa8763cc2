package dev.loci.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option not given on the command line takes its value from, first to last: an
 * environment variable {@code LOCI_<OPTION>} ({@code --max-pending} is {@code LOCI_MAX_PENDING}),
 * then the configuration file named by {@code --config FILE} or {@code LOCI_CONFIG}, then the
 * option's own default. So flags beat the environment, which beats the file.
 *
 * <p>The file holds one {@code name = value} a line ({@code #} starts a comment). A name is an
 * option's long name without the dashes, alone ({@code data-dir}, for every command that has
 * it) or after a command ({@code serve.port}; {@code keys.create.role} for a subcommand's). A
 * name no command knows is an error with the file and line, so a typo cannot pass silently.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    /** The option that names the file, on every command. */
    static final String OPTION = "--config";
    /** The environment variable that names the file when the option is not given. */
    static final String ENV = "LOCI_CONFIG";

    private final Map<String, String> env;
    private final Map<String, String> file; // name -> value, last line wins

    private ConfigDefaults(Map<String, String> env, Map<String, String> file) {
        this.env = env;
        this.file = file;
    }

    /**
     * The provider for a command line about to run {@code args}: reads the file they (or the
     * environment) name and checks its names against {@code root}'s commands.
     *
     * @throws InputFileException for a file that cannot be read, or a line that is not
     *     {@code name = value} or names no option
     */
    static ConfigDefaults forArgs(CommandSpec root, String[] args, Map<String, String> env) {
        Path path = fileNamed(args, env);
        Map<String, String> values = path == null ? Map.of() : read(path, root);
        return new ConfigDefaults(env, values);
    }

    /** The file {@code --config} names among {@code args}, else {@code LOCI_CONFIG}, else none. */
    static Path fileNamed(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(OPTION + "=")) {
                return Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        String named = env.get(ENV);
        return named == null || named.isBlank() ? null : Path.of(named);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.longestName().equals(OPTION)) {
            return null;
        }
        String name = bare(option.longestName());
        String fromEnv = env.get("LOCI_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null) {
            return fromEnv;
        }
        String qualified = qualifiedName(option.command()) + "." + name;
        return file.containsKey(qualified) ? file.get(qualified) : file.get(name);
    }

    private static Map<String, String> read(Path path, CommandSpec root) {
        List<String> lines;
        try {
            lines = List.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
                    .toString().split("\\R", -1));
        } catch (CharacterCodingException e) {
            throw new InputFileException(path, null, "is not UTF-8 text");
        } catch (IOException e) {
            throw new InputFileException(path, null, "cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); it was named by " + OPTION + " or " + ENV);
        }
        Set<String> known = new TreeSet<>();
        collect(root, known);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new InputFileException(path, String.valueOf(i + 1), "expected 'name = value' (e.g. 'serve.port = 8080'), got '"
                        + line + "'");
            }
            String name = line.substring(0, eq).strip();
            if (!known.contains(name)) {
                throw new InputFileException(path, String.valueOf(i + 1), "'" + name + "' is no option of any command; names are an "
                        + "option without its dashes, alone or after its command, e.g. " + examples(known));
            }
            values.put(name, line.substring(eq + 1).strip());
        }
        return values;
    }

    /** Every name a file may use: each option alone and after its command's qualified name. */
    private static void collect(CommandSpec command, Set<String> names) {
        for (OptionSpec option : command.options()) {
            if (option.usageHelp() || option.versionHelp() || option.longestName().equals(OPTION)) {
                continue;
            }
            String name = bare(option.longestName());
            names.add(name);
            if (command.parent() != null) {
                names.add(qualifiedName(command) + "." + name);
            }
        }
        for (CommandLine sub : command.subcommands().values()) {
            collect(sub.getCommandSpec(), names);
        }
    }

    private static String examples(Set<String> known) {
        List<String> some = new ArrayList<>();
        for (String candidate : List.of("data-dir", "serve.port", "serve.host", "serve.max-pending")) {
            if (known.contains(candidate)) {
                some.add(candidate);
            }
        }
        return String.join(", ", some);
    }

    /** "serve" for the serve command, "keys.create" for a subcommand of keys; the root is "". */
    private static String qualifiedName(CommandSpec command) {
        if (command.parent() == null) {
            return "";
        }
        String parent = qualifiedName(command.parent());
        return parent.isEmpty() ? command.name() : parent + "." + command.name();
    }

    /** The {@code --config} option, shown on every command. */
    static final class Option {
        @CommandLine.Option(names = OPTION, paramLabel = "FILE", description = "Read option defaults from FILE "
                + "(name = value lines, e.g. 'serve.port = 8080'); also $" + ENV + ". Flags beat $LOCI_<OPTION> "
                + "variables, which beat the file.")
        Path file;
    }

    /** Adds {@link Option} to {@code command} and every subcommand under it. */
    static void addOptionTo(CommandLine command) {
        command.getCommandSpec().addMixin("config", CommandSpec.forAnnotatedObject(new Option()));
        command.getSubcommands().values().forEach(ConfigDefaults::addOptionTo);
    }

    private static String bare(String longName) {
        return longName.replaceFirst("^-+", "");
    }
}
