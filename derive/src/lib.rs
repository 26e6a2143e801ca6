//! `#[derive(Explain)]`: the whole `glassbox::Explain` trait for a struct whose fields are
//! layers applied in order. Re-exported by `glassbox` (documented there, with examples).

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_macro_input, Data, DeriveInput, Error, Expr, Fields, Ident, LitInt, LitStr, Type};

/// See `glassbox::Explain` (the derive's documentation lives with the trait).
#[proc_macro_derive(Explain, attributes(explain))]
pub fn derive_explain(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// The struct-level `#[explain(input = [C, H, W], classes = N, name = "…")]`.
struct Model {
    input: Expr,
    channels: Expr,
    classes: LitInt,
    name: String,
}

/// One field: a layer, unless skipped.
struct Layer {
    field: Ident,
    ty: Type,
    /// The tap name methods use (`name = "…"`, else the field name).
    name: String,
    /// The checkpoint key prefix (`key = "…"`, else the field name).
    key: String,
    /// Followed by a ReLU (`relu`), fused where the layer has a fused op.
    relu: bool,
}

const STRUCT_HELP: &str =
    "derive(Explain) needs #[explain(input = [C, H, W], classes = N)] on the \
    struct (optionally name = \"…\")";
const FIELD_HELP: &str = "field attributes are #[explain(relu)], #[explain(skip)], \
    #[explain(name = \"…\")] and #[explain(key = \"…\")]";

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            "derive(Explain) models are f32 on the CPU: remove the generic parameters \
             (write the layer types with their defaults, e.g. Conv2d<1, 16, 3, 1, 1>)",
        ));
    }
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => &named.named,
            _ => return Err(not_a_chain(ident)),
        },
        _ => return Err(not_a_chain(ident)),
    };
    let model = model_attrs(input)?;
    let (mut layers, mut skipped) = (Vec::new(), Vec::new());
    for f in fields {
        let field = f.ident.clone().expect("named fields");
        let (mut name, mut key, mut relu, mut skip) = (field.to_string(), None, false, false);
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("explain")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("relu") {
                    relu = true;
                } else if meta.path.is_ident("skip") {
                    skip = true;
                } else if meta.path.is_ident("name") {
                    name = meta.value()?.parse::<LitStr>()?.value();
                } else if meta.path.is_ident("key") {
                    key = Some(meta.value()?.parse::<LitStr>()?.value());
                } else {
                    return Err(meta.error(FIELD_HELP));
                }
                Ok(())
            })?;
        }
        if skip {
            skipped.push(field);
            continue;
        }
        if name == "input" {
            return Err(Error::new_spanned(
                &field,
                "`input` names the model's input in glassbox: give this layer another name \
                 (#[explain(name = \"…\")])",
            ));
        }
        if let Some(other) = layers.iter().find(|l: &&Layer| l.name == name) {
            return Err(Error::new_spanned(
                &field,
                format!(
                    "two layers are named `{name}` (field `{}` too): names must be unique",
                    other.field
                ),
            ));
        }
        let key = key.unwrap_or_else(|| field.to_string());
        layers.push(Layer {
            field,
            ty: f.ty.clone(),
            name,
            key,
            relu,
        });
    }
    if layers.is_empty() {
        return Err(Error::new_spanned(
            ident,
            "derive(Explain) needs at least one layer field (fields are applied in order)",
        ));
    }
    // Each field type checked where it is written, so "not a layer" points at the field.
    let checks = layers.iter().map(|l| {
        let ty = &l.ty;
        quote_spanned!(ty.span()=> ::glassbox::__derive::assert_layer::<#ty>();)
    });
    let explain = explain_impl(ident, &model, &layers);
    let collection = collection_impl(ident, &layers, &skipped);
    Ok(quote! {
        const _: fn() = || {
            #(#checks)*
        };
        #explain
        #collection
    })
}

fn not_a_chain(ident: &Ident) -> Error {
    Error::new_spanned(
        ident,
        "derive(Explain) works on a struct with named fields, one per layer in forward order; \
         for a model that is not a chain (skip connections), implement glassbox::Explain by hand \
         (see the `glassbox::models` docs)",
    )
}

fn model_attrs(input: &DeriveInput) -> syn::Result<Model> {
    let (mut shape, mut classes, mut name) = (None, None, input.ident.to_string());
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("explain")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("input") {
                let array = meta.value()?.parse::<syn::ExprArray>()?;
                if array.elems.len() != 3 {
                    return Err(Error::new_spanned(
                        &array,
                        "input is [channels, height, width]",
                    ));
                }
                shape = Some(array);
            } else if meta.path.is_ident("classes") {
                classes = Some(meta.value()?.parse::<LitInt>()?);
            } else if meta.path.is_ident("name") {
                name = meta.value()?.parse::<LitStr>()?.value();
            } else {
                return Err(meta.error(STRUCT_HELP));
            }
            Ok(())
        })?;
    }
    match (shape, classes) {
        (Some(shape), Some(classes)) => Ok(Model {
            channels: shape.elems[0].clone(),
            input: Expr::Array(shape),
            classes,
            name,
        }),
        _ => Err(Error::new(Span::call_site(), STRUCT_HELP)),
    }
}

fn explain_impl(ident: &Ident, model: &Model, layers: &[Layer]) -> Tokens {
    let gb = quote!(::glassbox::__derive);
    let Model {
        input,
        channels,
        classes,
        name,
    } = model;
    let names: Vec<&String> = layers.iter().map(|l| &l.name).collect();
    let indices: Vec<usize> = (0..layers.len()).collect();
    let fields: Vec<&Ident> = layers.iter().map(|l| &l.field).collect();
    let relus: Vec<bool> = layers.iter().map(|l| l.relu).collect();
    let keys: Vec<&String> = layers.iter().map(|l| &l.key).collect();
    let gap_head = if layers.len() >= 3 {
        let n = layers.len();
        let (maps, pool, fc) = (
            &layers[n - 3].name,
            &layers[n - 2].field,
            &layers[n - 1].field,
        );
        quote! { #gb::gap_head(&self.#pool, &self.#fc, #maps) }
    } else {
        quote!(None)
    };
    quote! {
        impl #ident {
            /// The position of `layer` in forward order (`None` for the input).
            fn __glassbox_index(layer: &str) -> #gb::Result<Option<usize>> {
                match layer {
                    #gb::INPUT => Ok(None),
                    #( #names => Ok(Some(#indices)), )*
                    other => Err(#gb::unknown_layer(other, &[#(#names),*])),
                }
            }
        }

        impl ::glassbox::Explain for #ident {
            fn name(&self) -> &str {
                #name
            }

            fn input_shape(&self) -> [usize; 3] {
                #input
            }

            fn num_classes(&self) -> usize {
                #classes
            }

            fn layers(&self) -> Vec<::glassbox::models::LayerInfo> {
                let mut probe = #gb::Probe::new(self.input_shape());
                #( probe.layer(&self.#fields, #names, #keys, #relus); )*
                probe.finish()
            }

            fn forward_to<T: #gb::Tape<f32, #gb::Cpu>>(
                &self,
                x: ::glassbox::Activation<T>,
                layer: &str,
                relu: ::glassbox::ReluGrad,
            ) -> #gb::Result<::glassbox::Activation<T>> {
                let _ids = #gb::id_guard();
                let stop = Self::__glassbox_index(layer)?.map_or(0, |i| i + 1);
                #gb::check_input(&x, #channels, #name)?;
                let mut x = x;
                #( if #indices < stop { x = #gb::step(&self.#fields, x, relu, #relus)?; } )*
                Ok(x)
            }

            fn forward_from<T: #gb::Tape<f32, #gb::Cpu>>(
                &self,
                a: ::glassbox::Activation<T>,
                layer: &str,
                relu: ::glassbox::ReluGrad,
            ) -> #gb::Result<::glassbox::Logits<T>> {
                let _ids = #gb::id_guard();
                let start = Self::__glassbox_index(layer)?.map_or(0, |i| i + 1);
                if start == 0 {
                    #gb::check_input(&a, #channels, #name)?;
                }
                let mut a = a;
                #( if #indices >= start { a = #gb::step(&self.#fields, a, relu, #relus)?; } )*
                #gb::to_logits(a, #classes, #name)
            }

            fn gap_head(&self) -> Option<::glassbox::models::GapHead> {
                #gap_head
            }

            fn randomize_layer(&mut self, layer: &str, seed: u64) -> #gb::Result<()> {
                match Self::__glassbox_index(layer)? {
                    #( Some(#indices) => #gb::randomize(&mut self.#fields, #names, seed), )*
                    _ => Err(#gb::no_weights(layer)),
                }
            }
        }
    }
}

/// dfdx's `TensorCollection` (checkpoint keys = field names or `key`), so dfdx's builders,
/// optimisers and glassbox's safetensors loading work on the model; and `BuildOnDevice`, so
/// `dev.build_module::<Model, f32>()` builds it.
fn collection_impl(ident: &Ident, layers: &[Layer], skipped: &[Ident]) -> Tokens {
    let gb = quote!(::glassbox::__derive);
    // dfdx takes tuples of at most 6 fields: nest them.
    let groups: Vec<&[Layer]> = layers.chunks(6).collect();
    let fields = groups.iter().map(|group| {
        let items = group.iter().map(|l| {
            let (field, key) = (&l.field, &l.key);
            quote!(Self::module(#key, |s| &s.#field, |s| &mut s.#field))
        });
        quote!((#(#items,)*))
    });
    let bindings = groups.iter().map(|group| {
        let names = group.iter().map(|l| &l.field);
        quote!((#(#names,)*))
    });
    let build = layers.iter().map(|l| {
        let (field, ty) = (&l.field, &l.ty);
        quote!(#field: #gb::same_type::<_, #ty>(#field))
    });
    quote! {
        impl #gb::TensorCollection<f32, #gb::Cpu> for #ident {
            type To<E2: #gb::Dtype, D2: #gb::Device<E2>> = #ident;

            fn iter_tensors<V: #gb::ModuleVisitor<Self, f32, #gb::Cpu>>(
                visitor: &mut V,
            ) -> ::std::result::Result<Option<Self::To<V::E2, V::D2>>, V::Err> {
                visitor.visit_fields(
                    (#(#fields,)*),
                    |(#(#bindings,)*)| #ident {
                        #(#build,)*
                        #(#skipped: ::std::default::Default::default(),)*
                    },
                )
            }
        }

        impl #gb::BuildOnDevice<#gb::Cpu, f32> for #ident {
            type Built = #ident;
        }
    }
}
