//! `spotkey api` as clap sees it: the flags mirror `gh api`, so a script written for one reads
//! naturally for the other.
use clap::{ArgMatches, Args, FromArgMatches};

/// The flags as clap parses them (`raw_fields`/`typed_fields` are read in command-line order
/// through `ApiCall`).
#[derive(Args, Debug, Default)]
pub struct ApiArgs {
    /// A Web API path (`/me/playlists` or `me/playlists`; a leading `/v1` is fine) or a full URL
    /// under SPOTKEY_API_URL.
    #[arg(value_name = "PATH_OR_URL")]
    pub endpoint: String,
    /// The HTTP method (default GET, or POST when fields or --input are given).
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    /// A string field `key=value` (`key[]=value` adds to an array): the query string for GET,
    /// else a JSON body.
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// A typed field: true, false, null and integers become JSON values; `@file` reads a
    /// file, `@-` standard input.
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub typed_fields: Vec<String>,
    /// Send this file (`-` for standard input) as the request body, as it is; fields then go
    /// to the query string.
    #[arg(long, value_name = "FILE")]
    pub input: Option<String>,
    /// An extra request header `Name: value` (not Authorization or Host: spotkey sets those).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Follow Spotify's `next` links and print every page's items as one JSON array (GET only).
    #[arg(long)]
    pub paginate: bool,
    /// Print the status line and response headers before the body.
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Print no response body.
    #[arg(long)]
    pub silent: bool,
}

/// One `-f` or `-F` as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldArg {
    pub typed: bool,
    pub raw: String,
}

/// The flags, and the `-f`/`-F` fields in command-line order, as gh keeps them: `-F
/// 'ids[]=1' -f 'ids[]=x'` builds `[1, "x"]`, not the other way round.
#[derive(Debug, Default)]
pub struct ApiCall {
    pub args: ApiArgs,
    pub fields: Vec<FieldArg>,
}

impl FromArgMatches for ApiCall {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(Self {
            fields: ordered_fields(matches),
            args: ApiArgs::from_arg_matches(matches)?,
        })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for ApiCall {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        ApiArgs::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        ApiArgs::augment_args_for_update(cmd)
    }
}

/// Both kinds of field, merged by their position on the command line.
fn ordered_fields(matches: &ArgMatches) -> Vec<FieldArg> {
    let mut all = Vec::new();
    for (id, typed) in [("raw_fields", false), ("typed_fields", true)] {
        let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        else {
            continue;
        };
        let fields = values.map(|raw| FieldArg {
            typed,
            raw: raw.clone(),
        });
        all.extend(indices.zip(fields));
    }
    all.sort_by_key(|(index, _)| *index);
    all.into_iter().map(|(_, field)| field).collect()
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn raw_and_typed_fields_keep_their_command_line_order() {
        let argv = [
            "spotkey",
            "api",
            "/me",
            "-F",
            "a[]=1",
            "-f",
            "a[]=x",
            "--raw-field=a[]=y",
            "--field",
            "b=true",
        ];
        let Some(Command::Api(call)) = Cli::try_parse_from(argv).unwrap().command else {
            panic!("api");
        };
        let order: Vec<(bool, &str)> = call
            .fields
            .iter()
            .map(|f| (f.typed, f.raw.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (true, "a[]=1"),
                (false, "a[]=x"),
                (false, "a[]=y"),
                (true, "b=true")
            ]
        );
        assert_eq!(call.args.endpoint, "/me");
    }
}
